// The zen dashboard client: plain browser JavaScript, no dependencies, no network beyond its own API.
// Everything user-provided is inserted as text (textContent / SVG attributes), never as HTML.
const main = document.getElementById("main");
const SVG = "http://www.w3.org/2000/svg";
let live; // the EventSource of the run page, closed on navigation

function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  return node;
}

async function api(path) {
  const response = await fetch(`/api/${path}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function table(headers, rows) {
  return el(
    "table",
    {},
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        headers.map((h) => el("th", {}, h)),
      ),
    ),
    el(
      "tbody",
      {},
      rows.map((r) =>
        el(
          "tr",
          {},
          r.map((c) => el("td", {}, c)),
        ),
      ),
    ),
  );
}

const status = (s) => el("span", { class: `status-${s}` }, s);
const ms = (d) => (d === undefined || d === null ? "" : d < 1000 ? `${Math.round(d)} ms` : `${(d / 1000).toFixed(1)} s`);
const runLink = (r) => el("a", { href: `#/runs/${encodeURIComponent(r.id)}` }, r.name);

function config(value) {
  return el("pre", {}, JSON.stringify(value, null, 2));
}

async function stacksPage() {
  const stacks = await api("stacks");
  return [
    el("h1", {}, "Stacks"),
    ...stacks.map((s) =>
      el(
        "section",
        { "data-stack": s.name },
        el("h2", {}, s.name, s.active ? " (active)" : ""),
        table(
          ["type", "name", "flavor", "package", "config"],
          s.components.map((c) => [c.type, c.name, c.flavor, c.package ?? "", config(c.config)]),
        ),
      ),
    ),
  ];
}

async function flavorsPage() {
  const { flavors, problems } = await api("flavors");
  return [
    el("h1", {}, "Flavors"),
    table(
      ["type", "name", "source", "state", "description"],
      flavors.map((f) => [
        f.type,
        f.name,
        f.source.package ?? f.source.specifier ?? f.source.kind ?? "",
        f.ready ? "ready" : el("span", { class: "broken" }, `broken: ${f.problem ?? "unknown cause"}`),
        f.description,
      ]),
    ),
    ...(problems.length === 0
      ? []
      : [
          el("h2", {}, "Broken packages"),
          table(
            ["package", "cause", "what to do"],
            problems.map((p) => [p.package, el("span", { class: "broken" }, p.message), p.hint ?? ""]),
          ),
        ]),
  ];
}

async function pipelinesPage() {
  const pipelines = await api("pipelines");
  return [
    el("h1", {}, "Pipelines"),
    table(
      ["name", "runs", "last run"],
      pipelines.map((p) => [el("a", { href: `#/runs?pipeline=${encodeURIComponent(p.name)}` }, p.name), p.runCount, p.lastRunAt ?? ""]),
    ),
  ];
}

async function runsPage(params) {
  const query = new URLSearchParams(params);
  const limit = 50;
  const offset = Number(query.get("offset") || 0);
  query.set("limit", String(limit));
  const page = await api(`runs?${query}`);
  const input = (name, placeholder) => el("input", { name, placeholder, value: params.get(name) ?? "" });
  const form = el(
    "form",
    {
      class: "filters",
      onsubmit: (e) => {
        e.preventDefault();
        const next = new URLSearchParams();
        for (const [k, v] of new FormData(form)) if (v) next.set(k, String(v));
        location.hash = `#/runs?${next}`;
      },
    },
    input("pipeline", "pipeline"),
    input("status", "status"),
    input("stack", "stack"),
    el("button", {}, "Filter"),
  );
  const go = (to) => {
    const next = new URLSearchParams(params);
    next.set("offset", String(to));
    return `#/runs?${next}`;
  };
  return [
    el("h1", {}, "Runs"),
    form,
    table(
      ["run", "pipeline", "status", "stack", "started", "duration"],
      page.runs.map((r) => [runLink(r), r.pipelineName, status(r.status), r.stack, r.startedAt, ms(r.durationMs)]),
    ),
    el(
      "p",
      { class: "pager" },
      `${page.total === 0 ? 0 : offset + 1}–${Math.min(offset + limit, page.total)} of ${page.total} `,
      offset > 0 ? el("a", { href: go(Math.max(0, offset - limit)) }, "← newer") : "",
      " ",
      offset + limit < page.total ? el("a", { href: go(offset + limit) }, "older →") : "",
    ),
  ];
}

// ── run page: DAG (laid out once), timeline, step details, live updates ─────────────────────────
const NODE_W = 170,
  NODE_H = 28,
  GAP_X = 60,
  GAP_Y = 14;

function layout(steps) {
  const layer = new Map();
  for (const s of steps) layer.set(s.name, 1 + Math.max(-1, ...s.upstream.map((u) => layer.get(u) ?? 0))); // steps come in topological order
  const rows = [];
  const pos = new Map();
  for (const s of steps) {
    const l = layer.get(s.name);
    rows[l] = (rows[l] ?? 0) + 1;
    pos.set(s.name, { x: l * (NODE_W + GAP_X), y: (rows[l] - 1) * (NODE_H + GAP_Y) });
  }
  const width = rows.length * (NODE_W + GAP_X);
  const height = Math.max(...rows.map((n) => n ?? 0)) * (NODE_H + GAP_Y);
  return { pos, width, height };
}

function dagView(run, onSelect) {
  const { pos, width, height } = layout(run.steps);
  const svg = el("svg:svg", { class: "dag", role: "img", "aria-label": `DAG of run ${run.name}` });
  const view = { x: -20, y: -20, w: Math.max(width, 400) + 40, h: Math.max(height, 200) + 40 };
  const apply = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  apply();
  const edges = el("svg:g");
  const nodes = el("svg:g");
  const byName = new Map();
  for (const s of run.steps) {
    const p = pos.get(s.name);
    for (const u of s.upstream) {
      const q = pos.get(u);
      if (q)
        edges.append(
          el("svg:path", {
            class: "edge",
            d: `M${q.x + NODE_W},${q.y + NODE_H / 2} C${q.x + NODE_W + GAP_X / 2},${q.y + NODE_H / 2} ${p.x - GAP_X / 2},${p.y + NODE_H / 2} ${p.x},${p.y + NODE_H / 2}`,
          }),
        );
    }
    const label = s.name.length > 24 ? `${s.name.slice(0, 23)}…` : s.name;
    const g = el(
      "svg:g",
      { class: `node ${s.status}`, "data-step": s.name, transform: `translate(${p.x},${p.y})`, onclick: () => onSelect(s.name) },
      el("svg:title", {}, `${s.name}: ${s.status}`),
      el("svg:rect", { width: NODE_W, height: NODE_H }),
      el("svg:text", { x: 8, y: 18 }, label),
    );
    byName.set(s.name, g);
    nodes.append(g);
  }
  svg.append(edges, nodes);
  // Pan by dragging, zoom with the wheel around the pointer.
  let drag;
  svg.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
  });
  window.addEventListener("pointerup", () => {
    drag = undefined;
  });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
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
      const px = view.x + ((e.clientX - r.left) / r.width) * view.w,
        py = view.y + ((e.clientY - r.top) / r.height) * view.h;
      view.x = px - (px - view.x) * f;
      view.y = py - (py - view.y) * f;
      view.w *= f;
      view.h *= f;
      apply();
    },
    { passive: false },
  );
  return {
    svg,
    update(steps) {
      for (const s of steps) byName.get(s.name)?.setAttribute("class", `node ${s.status}`);
    },
    search(text) {
      let first;
      for (const [name, g] of byName) {
        const hit = text !== "" && name.toLowerCase().includes(text.toLowerCase());
        g.classList.toggle("match", hit);
        if (hit && !first) first = pos.get(name);
      }
      if (first) {
        view.x = first.x - view.w / 2 + NODE_W / 2;
        view.y = first.y - view.h / 2;
        apply();
      }
    },
  };
}

function timelineView(run) {
  const timed = run.steps.filter((s) => s.startedAt);
  const t0 = Math.min(...timed.map((s) => Date.parse(s.startedAt)));
  const t1 = Math.max(...timed.map((s) => (s.endedAt ? Date.parse(s.endedAt) : Date.now())), t0 + 1);
  const row = 18,
    labelW = 180,
    barW = 800;
  const svg = el("svg:svg", { class: "timeline", viewBox: `0 0 ${labelW + barW + 10} ${Math.max(1, timed.length) * row + 10}` });
  timed.forEach((s, i) => {
    const start = Date.parse(s.startedAt),
      end = s.endedAt ? Date.parse(s.endedAt) : Date.now();
    const x = labelW + ((start - t0) / (t1 - t0)) * barW;
    svg.append(
      el("svg:text", { x: 4, y: i * row + 14 }, s.name.slice(0, 28)),
      el(
        "svg:rect",
        { class: `bar ${s.status}`, "data-step": s.name, x, y: i * row + 4, height: row - 6, width: Math.max(2, ((end - start) / (t1 - t0)) * barW) },
        el("svg:title", {}, `${s.name}: ${ms(end - start)}`),
      ),
    );
  });
  return svg;
}

function stepDetails(step) {
  if (!step) return el("p", { class: "muted" }, "Select a step in the DAG.");
  const artifacts = (title, map) =>
    Object.keys(map).length === 0
      ? []
      : [
          el("h3", {}, title),
          ...Object.entries(map).map(([name, a]) => {
            const box = el("div", { class: "preview" }, el("span", { class: "muted" }, "loading preview…"));
            api(`artifacts/${encodeURIComponent(a.id)}/preview`).then(
              (p) => {
                box.replaceChildren(p.kind === "table" ? table(p.columns, p.rows) : el("pre", {}, p.text));
              },
              (e) => box.replaceChildren(el("span", { class: "broken" }, e.message)),
            );
            return el("div", {}, el("strong", {}, name), ` ${a.dataType} `, box);
          }),
        ];
  return el(
    "div",
    { class: "step", "data-step": step.name },
    el("h2", {}, step.name),
    el("p", {}, status(step.status), " ", ms(step.durationMs)),
    step.cacheReason ? el("p", {}, "cache: ", step.cacheReason) : "",
    step.error ? el("pre", { class: "broken" }, step.error) : "",
    el("h3", {}, "parameters"),
    config(step.parameters),
    ...artifacts("inputs", step.inputs),
    ...artifacts("outputs", step.outputs),
  );
}

async function runPage(id) {
  let run = await api(`runs/${encodeURIComponent(id)}`);
  let selected;
  const heading = el("p", { class: "run-status" });
  const details = el("aside", {}, stepDetails());
  const dag = dagView(run, (name) => {
    selected = name;
    details.replaceChildren(stepDetails(run.steps.find((s) => s.name === name)));
  });
  const timeline = el("div", {}, timelineView(run));
  const search = el("input", { type: "search", placeholder: "find a step", "aria-label": "find a step" });
  search.addEventListener("input", () => dag.search(search.value));
  const show = () => {
    heading.replaceChildren(
      status(run.status),
      ` ${run.pipelineName} on stack ${run.stack.name}, ${run.steps.length} steps `,
      ms(run.durationMs),
      run.error ? ` — ${run.error}` : "",
    );
    dag.update(run.steps);
    timeline.replaceChildren(timelineView(run));
    if (selected) details.replaceChildren(stepDetails(run.steps.find((s) => s.name === selected)));
  };
  show();
  if (run.status === "running") {
    live = new EventSource(`/api/runs/${encodeURIComponent(run.id)}/events`);
    live.onmessage = (e) => {
      run = JSON.parse(e.data);
      show();
      if (run.status !== "running") live.close();
    };
  }
  return [el("h1", {}, run.name), heading, search, el("div", { class: "columns" }, el("div", {}, dag.svg, el("h2", {}, "Timeline"), timeline), details)];
}

async function route() {
  live?.close();
  live = undefined;
  const [path, query = ""] = location.hash.slice(1).split("?");
  const params = new URLSearchParams(query);
  const parts = (path || "/runs").split("/").filter(Boolean).map(decodeURIComponent);
  try {
    const content =
      parts[0] === "stacks"
        ? await stacksPage()
        : parts[0] === "flavors"
          ? await flavorsPage()
          : parts[0] === "pipelines"
            ? await pipelinesPage()
            : parts[0] === "runs" && parts[1]
              ? await runPage(parts[1])
              : await runsPage(params);
    main.replaceChildren(...content);
  } catch (error) {
    main.replaceChildren(el("p", { class: "broken" }, error.message));
  }
  main.setAttribute("data-ready", location.hash);
}

api("context").then((c) => {
  document.getElementById("context").textContent = `profile ${c.profile} · stack ${c.stack}`;
});
window.addEventListener("hashchange", route);
route();
