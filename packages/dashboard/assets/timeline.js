// A run's timeline (Gantt): one row per started step on a shared time axis. Only the rows in view are
// drawn (and redrawn on scroll), so a 1,000-step run costs what 25 rows cost.
import { el, ms } from "./dom.js";

const ROW = 18;
const LABEL_W = 180;
const BAR_W = 800;
const VISIBLE = 24;

export function timelineView(run) {
  const timed = run.steps.filter((s) => s.startedAt);
  const end = (s) => (s.endedAt ? Date.parse(s.endedAt) : Date.now());
  const t0 = Math.min(...timed.map((s) => Date.parse(s.startedAt)));
  const t1 = Math.max(...timed.map(end), t0 + 1);
  const height = Math.max(1, timed.length) * ROW + 10;
  const svg = el("svg:svg", { class: "timeline", viewBox: `0 0 ${LABEL_W + BAR_W + 10} ${height}`, "data-rows": timed.length });
  const box = el("div", { class: "timeline-box" }, svg);
  let drawn = "";
  const draw = () => {
    // Rows from the scroll position (the SVG is scaled to the box's width).
    const scale = (box.clientWidth || LABEL_W + BAR_W + 10) / (LABEL_W + BAR_W + 10);
    const first = Math.max(0, Math.floor(box.scrollTop / (ROW * scale)) - 4);
    const last = Math.min(timed.length, first + Math.ceil((box.clientHeight || VISIBLE * ROW) / (ROW * scale)) + 8);
    if (drawn === `${first}:${last}`) return;
    drawn = `${first}:${last}`;
    const rows = [];
    for (let i = first; i < last; i++) {
      const s = timed[i];
      const start = Date.parse(s.startedAt);
      const x = LABEL_W + ((start - t0) / (t1 - t0)) * BAR_W;
      rows.push(
        el("svg:text", { x: 4, y: i * ROW + 14 }, s.name.slice(0, 28)),
        el(
          "svg:rect",
          { class: `bar ${s.status}`, "data-step": s.name, x, y: i * ROW + 4, height: ROW - 6, width: Math.max(2, ((end(s) - start) / (t1 - t0)) * BAR_W) },
          el("svg:title", {}, `${s.name}: ${ms(end(s) - start)}`),
        ),
      );
    }
    svg.replaceChildren(...rows);
  };
  box.addEventListener("scroll", draw, { passive: true });
  draw();
  requestAnimationFrame(() => {
    drawn = "";
    draw();
  });
  return box;
}
