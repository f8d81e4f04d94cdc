// DOM helpers shared by the dashboard's modules. Everything user-provided goes in as text or attribute values, never as HTML.
export const SVG = "http://www.w3.org/2000/svg";

export function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  return node;
}

export const ms = (d) => (d === undefined || d === null ? "" : d < 1000 ? `${Math.round(d)} ms` : `${(d / 1000).toFixed(1)} s`);
