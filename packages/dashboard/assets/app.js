// The zen dashboard client: plain browser JavaScript, no dependencies, no network beyond its own API.
// Everything user-provided is inserted as text (textContent / SVG attributes), never as HTML.
import { dagView } from "./dag.js";
import { el, ms } from "./dom.js";
import { timelineView } from "./timeline.js";
import { logsPanel } from "./logs.js";

const main = document.getElementById("main");
let live; // the EventSource of the run page, closed on navigation

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

const RUN_STATUSES = ["running", "completed", "failed", "cancelled"];

async function runsPage(params) {
  const query = new URLSearchParams(params);
  query.set("limit", "50");
  const [page, pipelines, stacks] = await Promise.all([api(`runs?${query}`), api("pipelines"), api("stacks")]);
  // Free text (a stack may since have been deleted), with the known names offered.
  const input = (name, placeholder, known) => [
    el("input", { name, placeholder, "aria-label": placeholder, value: params.get(name) ?? "", list: `known-${name}` }),
    el(
      "datalist",
      { id: `known-${name}` },
      known.map((n) => el("option", { value: n })),
    ),
  ];
  const statusSelect = el(
    "select",
    { name: "status", "aria-label": "status" },
    el("option", { value: "" }, "any status"),
    RUN_STATUSES.map((s) => {
      const option = el("option", { value: s }, s);
      if (params.get("status") === s) option.selected = true;
      return option;
    }),
  );
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
    input(
      "pipeline",
      "pipeline",
      pipelines.map((p) => p.name),
    ),
    statusSelect,
    input(
      "stack",
      "stack",
      stacks.map((s) => s.name),
    ),
    el("button", {}, "Filter"),
  );
  // Pages are found by run id (before= / after=), so runs recorded meanwhile do not shift them.
  const go = (key, id) => {
    const next = new URLSearchParams(params);
    next.delete("before");
    next.delete("after");
    next.set(key, id);
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
      `${page.runs.length} of ${page.total} `,
      page.newer ? el("a", { href: go("after", page.newer), rel: "prev" }, "← newer") : "",
      " ",
      page.older ? el("a", { href: go("before", page.older), rel: "next" }, "older →") : "",
    ),
  ];
}

// ── run page: DAG (laid out once), timeline, step details, live updates ─────────────────────────
/** A JSON value as a tree: containers fold (the first two levels start open) and say how many entries they hold. */
function jsonTree(node, key, depth = 0) {
  const name = key === undefined ? [] : [el("span", { class: "key" }, key), ": "];
  if (node.t === "more") return el("div", { class: "leaf" }, ...name, el("span", { class: "muted" }, "…"));
  if (node.t !== "array" && node.t !== "object") {
    const text = node.t === "string" ? JSON.stringify(node.v) : String(node.v);
    return el("div", { class: "leaf" }, ...name, el("span", { class: `json-${node.t}` }, text));
  }
  const shown = node.v.length < node.n ? ` (first ${node.v.length})` : "";
  const summary = el("summary", {}, ...name, el("span", { class: "muted" }, node.t === "array" ? `[${node.n}]${shown}` : `{${node.n}}${shown}`));
  const details = el(
    "details",
    { class: "tree" },
    summary,
    node.v.map(([k, v]) => jsonTree(v, k, depth + 1)),
  );
  if (depth < 2) details.open = true;
  return details;
}

function preview(p) {
  if (p.kind === "table") return table(p.columns, p.rows);
  if (p.kind === "json") return el("div", { class: "json" }, jsonTree(p.tree));
  if (p.kind === "image") return el("img", { src: p.src, alt: `${p.artifact.name} (${p.mediaType}, ${p.size} bytes)`, class: "artifact-image" });
  return el("pre", {}, p.text);
}

function stepDetails(step, runId) {
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
                box.replaceChildren(preview(p));
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
    ...(runId ? logsPanel(runId, step) : []),
  );
}

async function runPage(id) {
  let run = await api(`runs/${encodeURIComponent(id)}`);
  let selected;
  const heading = el("p", { class: "run-status" });
  const details = el("aside", {}, stepDetails());
  const dag = dagView(run, (name) => {
    selected = name;
    details.replaceChildren(
      stepDetails(
        run.steps.find((s) => s.name === name),
        run.id,
      ),
    );
  });
  const timeline = el("div", {}, timelineView(run));
  const show = () => {
    heading.replaceChildren(
      status(run.status),
      ` ${run.pipelineName} on stack ${run.stack.name}, ${run.steps.length} steps `,
      ms(run.durationMs),
      run.error ? ` — ${run.error}` : "",
    );
    dag.update(run.steps);
    const scrolled = timeline.firstChild?.scrollTop ?? 0;
    timeline.replaceChildren(timelineView(run));
    timeline.firstChild.scrollTop = scrolled;
    if (selected)
      details.replaceChildren(
        stepDetails(
          run.steps.find((s) => s.name === selected),
          run.id,
        ),
      );
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
  return [el("h1", {}, run.name), heading, dag.controls, el("div", { class: "columns" }, el("div", {}, dag.svg, el("h2", {}, "Timeline"), timeline), details)];
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
