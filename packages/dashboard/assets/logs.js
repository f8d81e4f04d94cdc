// The logs panel of a step on the run page: what the step printed (kept in the artifact store), or why
// it has none. While the step runs, the panel re-reads its log every few seconds until it is removed.
import { el } from "./dom.js";

const REFRESH_MS = 2000;

export function logsPanel(runId, step) {
  const box = el("pre", { class: "logs", "data-logs": step.name }, el("span", { class: "muted" }, "loading logs…"));
  const url = `/api/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(step.name)}/logs`;
  let stuckToBottom = true;
  box.addEventListener("scroll", () => (stuckToBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4));
  const load = async () => {
    try {
      const response = await fetch(url);
      const body = await response.json();
      if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
      if (body.logs === null) box.replaceChildren(el("span", { class: "muted" }, `No logs: ${body.reason}.`));
      else if (body.logs === "") box.replaceChildren(el("span", { class: "muted" }, "The step printed nothing."));
      else {
        const omitted = body.omitted > 0 ? el("span", { class: "muted" }, `… ${body.omitted} earlier characters not shown\n`) : "";
        box.replaceChildren(omitted, body.logs);
        if (stuckToBottom) box.scrollTop = box.scrollHeight;
      }
      return body.status === "running";
    } catch (error) {
      box.replaceChildren(el("span", { class: "broken" }, error.message));
      return false;
    }
  };
  const follow = async () => {
    // Stop once the panel left the page (another step selected, a live re-render, navigation).
    if ((await load()) && box.isConnected) setTimeout(follow, REFRESH_MS);
  };
  follow();
  return [el("h3", {}, "logs"), box];
}
