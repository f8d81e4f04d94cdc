// A run's DAG: layered once per grouping (not on live updates), drawn in SVG, panned by dragging and
// zoomed with the wheel. Big DAGs stay readable: steps of one layer whose names share a prefix
// (`train_1`, `train_2`, …), and chains of steps sharing a prefix (`next` → `next_2` → …), form a
// group, drawn as one node with its statuses, expanded on click.
import { el } from "./dom.js";

const NODE_W = 170;
const NODE_H = 28;
const GAP_X = 60;
const GAP_Y = 14;
/** Above this many steps, groups start collapsed. */
export const COLLAPSE_ABOVE = 60;
const MIN_GROUP = 3;
const MIN_CHAIN = 4;
const SEVERITY = ["failed", "running", "cancelled", "pending", "skipped", "completed", "cached"];

/** `train_17` → `train`, `eval.fold-3` → `eval.fold`; a name without a separator is its own prefix. */
export function prefixOf(name) {
  const cut = Math.max(...["_", "-", ".", "/", ":"].map((c) => name.lastIndexOf(c)));
  return cut > 0 ? name.slice(0, cut) : name;
}

/**
 * Layers (longest path from a root; steps come in topological order), then the groups: same-prefix
 * steps of one layer, and chains of same-prefix steps (entered only at the first, left only from the
 * last). Contracting either keeps the graph acyclic, so groups lay out like steps.
 */
function structure(steps) {
  const layer = new Map();
  const byName = new Map(steps.map((s) => [s.name, s]));
  const downstream = new Map();
  for (const s of steps) {
    layer.set(s.name, 1 + Math.max(-1, ...s.upstream.map((u) => layer.get(u) ?? 0)));
    for (const u of s.upstream) {
      if (!downstream.has(u)) downstream.set(u, []);
      downstream.get(u).push(s.name);
    }
  }
  const byKey = new Map();
  for (const s of steps) {
    const key = `${layer.get(s.name)}:${prefixOf(s.name)}`;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key).push(s.name);
  }
  const groupOf = new Map();
  const groups = new Map();
  const add = (id, members, kind) => {
    groups.set(id, { id, kind, label: `${prefixOf(members[0])} ×${members.length}`, members });
    for (const n of members) groupOf.set(n, id);
  };
  for (const [key, names] of byKey) if (names.length >= MIN_GROUP) add(`group:${key}`, names, "layer");
  // prev → next continues a chain: same prefix, prev's only downstream step is next, next's only upstream is prev.
  const continues = (prev, next) =>
    !groupOf.has(prev) &&
    !groupOf.has(next) &&
    prefixOf(prev) === prefixOf(next) &&
    downstream.get(prev)?.length === 1 &&
    byName.get(next).upstream.length === 1 &&
    byName.get(next).upstream[0] === prev;
  for (const s of steps) {
    if (groupOf.has(s.name) || (s.upstream.length === 1 && continues(s.upstream[0], s.name))) continue;
    const members = [s.name];
    while (downstream.get(members.at(-1))?.length === 1 && continues(members.at(-1), downstream.get(members.at(-1))[0])) {
      members.push(downstream.get(members.at(-1))[0]);
    }
    if (members.length >= MIN_CHAIN) add(`chain:${s.name}`, members, "chain");
  }
  return { layer, groups, groupOf };
}

/**
 * Positions of the visible units (steps, or collapsed groups). A unit's layer is one past its
 * upstream units' (units taken by their first step's layer: every edge goes to a later one); in each
 * layer units are ordered by their upstream units' rows.
 */
function layout(steps, shape, collapsed) {
  const unitOf = (name) => (collapsed.has(shape.groupOf.get(name)) ? shape.groupOf.get(name) : name);
  const units = new Map(); // id → { first, layer, upstream: Set }
  for (const s of steps) {
    const id = unitOf(s.name);
    if (!units.has(id)) units.set(id, { first: shape.layer.get(s.name), layer: 0, upstream: new Set() });
    const unit = units.get(id);
    unit.first = Math.min(unit.first, shape.layer.get(s.name));
    for (const u of s.upstream) if (unitOf(u) !== id) unit.upstream.add(unitOf(u));
  }
  const order = [...units.keys()].sort((a, b) => units.get(a).first - units.get(b).first);
  for (const id of order) {
    const unit = units.get(id);
    unit.layer = 1 + Math.max(-1, ...[...unit.upstream].map((u) => units.get(u).layer));
  }
  const layers = [];
  for (const id of order) (layers[units.get(id).layer] ??= []).push(id);
  const pos = new Map();
  let height = 0;
  layers.forEach((ids = [], l) => {
    const weight = (id) => {
      const rows = [...units.get(id).upstream].map((u) => pos.get(u)?.y ?? 0);
      return rows.length === 0 ? 0 : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    const ordered =
      l === 0
        ? ids
        : ids
            .map((id) => [weight(id), id])
            .sort((a, b) => a[0] - b[0])
            .map(([, id]) => id);
    ordered.forEach((id, row) => pos.set(id, { x: l * (NODE_W + GAP_X), y: row * (NODE_H + GAP_Y) }));
    height = Math.max(height, ordered.length * (NODE_H + GAP_Y));
  });
  return { units, pos, width: layers.length * (NODE_W + GAP_X), height };
}

function worst(statuses) {
  return SEVERITY.find((s) => statuses.includes(s)) ?? "pending";
}

export function dagView(run, onSelect) {
  const shape = structure(run.steps);
  const collapsed = new Set(run.steps.length > COLLAPSE_ABOVE ? shape.groups.keys() : []);
  let steps = run.steps;
  let current;
  const svg = el("svg:svg", { class: "dag", role: "img", "aria-label": `DAG of run ${run.name}` });
  const view = { x: -20, y: -20, w: 400, h: 200 };
  const apply = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  const byName = new Map();
  const groupNodes = new Map();
  let matches = [];

  function groupStatus(group) {
    const statuses = group.members.map((n) => byStatus.get(n));
    const counts = {};
    for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
    return { worst: worst(statuses), counts };
  }
  let byStatus = new Map(steps.map((s) => [s.name, s.status]));

  function draw(fit) {
    current = layout(steps, shape, collapsed);
    const { units, pos } = current;
    const edges = el("svg:g");
    const nodes = el("svg:g");
    byName.clear();
    groupNodes.clear();
    for (const [id, unit] of units) {
      const p = pos.get(id);
      for (const u of unit.upstream) {
        const q = pos.get(u);
        const [fromY, toY] = [q.y + NODE_H / 2, p.y + NODE_H / 2];
        const d = `M${q.x + NODE_W},${fromY} C${q.x + NODE_W + GAP_X / 2},${fromY} ${p.x - GAP_X / 2},${toY} ${p.x},${toY}`;
        edges.append(el("svg:path", { class: "edge", d }));
      }
      const group = shape.groups.get(id);
      if (group && collapsed.has(id)) {
        const { worst: status, counts } = groupStatus(group);
        const summary = Object.entries(counts)
          .map(([s, n]) => `${n} ${s}`)
          .join(", ");
        const g = el(
          "svg:g",
          { class: `group ${status}`, "data-group": group.label, transform: `translate(${p.x},${p.y})`, onclick: () => toggle(id) },
          el("svg:title", {}, `${group.members.length} steps${group.kind === "chain" ? " in a chain" : ""}: ${summary}. Click to expand.`),
          el("svg:rect", { class: "stack", x: 4, y: 4, width: NODE_W, height: NODE_H }),
          el("svg:rect", { width: NODE_W, height: NODE_H }),
          el("svg:text", { x: 8, y: 18 }, `▸ ${group.label}`),
        );
        groupNodes.set(id, g);
        nodes.append(g);
        continue;
      }
      const label = id.length > 24 ? `${id.slice(0, 23)}…` : id;
      const g = el(
        "svg:g",
        { class: `node ${byStatus.get(id)}`, "data-step": id, transform: `translate(${p.x},${p.y})`, onclick: () => onSelect(id) },
        el("svg:title", {}, stepTitle(id)),
        el("svg:rect", { width: NODE_W, height: NODE_H }),
        el("svg:text", { x: 8, y: 18 }, label),
      );
      if (shape.groupOf.has(id)) g.addEventListener("dblclick", () => toggle(shape.groupOf.get(id)));
      byName.set(id, g);
      nodes.append(g);
    }
    svg.replaceChildren(edges, nodes);
    if (fit) {
      view.x = -20;
      view.y = -20;
      // The whole DAG when it fits at a readable scale, else its start; small DAGs are not blown up.
      view.w = Math.min(Math.max(current.width, 900) + 40, 2400);
      view.h = Math.min(Math.max(current.height, 300) + 40, 1200);
      apply();
    }
    highlight();
  }

  function stepTitle(name) {
    return `${name}: ${byStatus.get(name)}${shape.groupOf.has(name) ? " (in a group: double-click to collapse it)" : ""}`;
  }

  function toggle(id) {
    if (collapsed.has(id)) collapsed.delete(id);
    else collapsed.add(id);
    draw(false);
    controls.dispatchEvent(new Event("change"));
  }

  function highlight() {
    const hits = new Set(matches);
    for (const [name, g] of byName) g.classList.toggle("match", hits.has(name));
    for (const [id, g] of groupNodes)
      g.classList.toggle(
        "match",
        shape.groups.get(id).members.some((n) => hits.has(n)),
      );
  }

  function focus(id) {
    const p = current.pos.get(id);
    if (!p) return;
    view.x = p.x - view.w / 2 + NODE_W / 2;
    view.y = p.y - view.h / 2;
    apply();
  }

  // Pan by dragging, zoom with the wheel around the pointer.
  let drag;
  let dragged = false;
  svg.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
    dragged = false;
  });
  window.addEventListener("pointerup", () => {
    drag = undefined;
  });
  // A drag that moved is not a click on the node it ends on.
  svg.addEventListener(
    "click",
    (e) => {
      if (dragged) e.stopPropagation();
      dragged = false;
    },
    true,
  );
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 4) dragged = true;
    const scale = view.w / svg.clientWidth;
    view.x = drag.vx - (e.clientX - drag.x) * scale;
    view.y = drag.vy - (e.clientY - drag.y) * scale;
    apply();
  });
  svg.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const f = e.deltaY > 0 ? 1.2 : 1 / 1.2;
      const r = svg.getBoundingClientRect();
      const px = view.x + ((e.clientX - r.left) / r.width) * view.w;
      const py = view.y + ((e.clientY - r.top) / r.height) * view.h;
      view.x = px - (px - view.x) * f;
      view.y = py - (py - view.y) * f;
      view.w *= f;
      view.h *= f;
      apply();
    },
    { passive: false },
  );

  // Search (Enter expands the groups holding the matches and centres the first), expand/collapse all.
  const count = el("span", { class: "muted" });
  const search = el("input", { type: "search", placeholder: "find a step", "aria-label": "find a step" });
  const find = (expand) => {
    const text = search.value.trim().toLowerCase();
    matches = text === "" ? [] : steps.filter((s) => s.name.toLowerCase().includes(text)).map((s) => s.name);
    count.textContent = text === "" ? "" : `${matches.length} match${matches.length === 1 ? "" : "es"}`;
    if (expand && matches.length > 0) {
      const holding = new Set(matches.map((n) => shape.groupOf.get(n)).filter((g) => g && collapsed.has(g)));
      if (holding.size > 0) {
        for (const g of holding) collapsed.delete(g);
        draw(false);
      }
    }
    highlight();
    if (matches.length > 0) focus(byName.has(matches[0]) ? matches[0] : shape.groupOf.get(matches[0]));
  };
  search.addEventListener("input", () => find(false));
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") find(true);
  });
  const all = (collapse) => () => {
    collapsed.clear();
    if (collapse) for (const id of shape.groups.keys()) collapsed.add(id);
    draw(true);
    controls.dispatchEvent(new Event("change"));
  };
  const expandAll = el("button", { type: "button", onclick: all(false) }, "expand all");
  const collapseAll = el("button", { type: "button", onclick: all(true) }, "collapse groups");
  const groupInfo = el("span", { class: "muted" });
  const controls = el("div", { class: "dag-controls" }, search, count, shape.groups.size > 0 ? [collapseAll, expandAll, groupInfo] : []);
  controls.addEventListener("change", () => {
    groupInfo.textContent = `${collapsed.size} of ${shape.groups.size} groups collapsed`;
  });

  draw(true);
  controls.dispatchEvent(new Event("change"));
  return {
    svg,
    controls,
    /** New statuses (live): classes change, the layout stays. */
    update(next) {
      steps = next;
      byStatus = new Map(next.map((s) => [s.name, s.status]));
      for (const [name, g] of byName) {
        g.setAttribute("class", `node ${byStatus.get(name)}${g.classList.contains("match") ? " match" : ""}`);
        g.firstChild.textContent = stepTitle(name);
      }
      for (const [id, g] of groupNodes) {
        const { worst: status } = groupStatus(shape.groups.get(id));
        g.setAttribute("class", `group ${status}${g.classList.contains("match") ? " match" : ""}`);
      }
    },
  };
}
