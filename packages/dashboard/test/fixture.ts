/**
 * A user's setup for dashboard tests: a temp project and config dir, a canary secret referenced by a
 * component of a flavor package, a broken flavor package, and runs of a small fan-out pipeline.
 */
import path from "node:path";
import { Zen, pipeline, step, type ZenOpenOptions } from "@zen/core";
import { flavorPackageFixture, makeProject, makeTempDir } from "@zen/test-utils";

export const CANARY = "canary-3f9d1c7e-never-served";

export interface Setup {
  root: string;
  zenOptions: ZenOpenOptions;
  zen: Zen;
}

export async function setUp(): Promise<Setup> {
  const root = makeProject();
  flavorPackageFixture({
    project: root,
    name: "zen-integration-vault",
    flavors: [{ type: "alerter", name: "vault", config: 'z.object({ path: z.string(), token: z.string().meta({ "x-zen-secret": true }) })' }],
  });
  flavorPackageFixture({ project: root, name: "zen-integration-broken", throwOnImport: "broken on purpose" });
  const zenOptions: ZenOpenOptions = {
    cwd: root,
    env: {
      ...process.env,
      ZEN_CONFIG_PATH: path.join(makeTempDir("zen-dashboard-config-"), "config"),
      ZEN_REPOSITORY_PATH: undefined,
      ZEN_STACK: undefined,
      ZEN_PROFILE: undefined,
    },
    onNotice: () => {},
  };
  const zen = await Zen.open(zenOptions);
  await zen.registerComponent("secrets_manager", "local_secrets", "local", {});
  await zen.updateStack("default", { secrets_manager: "local_secrets" });
  await zen.registerSecret("vault_token", { token: CANARY });
  await zen.registerComponent("alerter", "vault_alerter", "vault", { path: "/v", token: "{{vault_token.token}}" });
  await zen.registerStack("secure", {
    orchestrator: "default",
    artifact_store: "default",
    metadata_store: "default",
    secrets_manager: "local_secrets",
    alerter: "vault_alerter",
  });
  return { root, zenOptions, zen };
}

const load = step({
  name: "load",
  run: async () => [
    { city: "Oslo", temp: 3 },
    { city: "Lima", temp: 19 },
  ],
});
const describeRows = step({
  name: "describe_rows",
  run: async (rows: { city: string; temp: number }[]) => ({ count: rows.length, cities: rows.map((r) => r.city) }),
});
const mean = step({ name: "mean", run: async (rows: { city: string; temp: number }[]) => rows.reduce((s, r) => s + r.temp, 0) / rows.length });
const report = step({ name: "report", run: async ({ summary, avg }: { summary: { count: number }; avg: number }) => `${summary.count} cities, mean ${avg}` });

export const weather = pipeline("weather", () => {
  const rows = load();
  report({ summary: describeRows(rows), avg: mean(rows) });
});

/** A pipeline whose second step waits until `release()` is called: a run in progress. */
export function gatedPipeline() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const first = step({ name: "first", run: async () => "ready" });
  const waiting = step({ name: "waiting", run: async (input: string) => (await gate, `${input} and done`) });
  return { flow: pipeline("gated", () => void waiting(first())), release };
}

const ok = step({ name: "ok", run: async () => 1 });
const boom = step({
  name: "boom",
  run: async (n: number): Promise<number> => {
    throw new Error(`boom after ${n}`);
  },
});
const after = step({ name: "after", run: async (n: number) => n + 1 });
/** A run that fails in its second step: statuses completed, failed and skipped. */
export const failing = pipeline("failing", () => void after(boom(ok())));

/** A 4×4 blue PNG: what a step saving a plot returns. */
export const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000004000000040806000000a9f19e7e0000001249444154789c6390ab38f11f1933902e0000ee8825d133ee604c0000000049454e44ae426082",
  "hex",
);
const chart = step({ name: "chart", run: async () => PNG });
/** Bytes that look like a PNG but exceed what the dashboard reads for a preview. */
const huge = step({ name: "huge", run: async () => Buffer.concat([PNG, Buffer.alloc(9 * 1024 * 1024)]) });
const nested = step({
  name: "nested",
  run: async () => ({ model: { layers: [64, 32, 1], activation: "relu" }, metrics: Array.from({ length: 150 }, (_, i) => i / 10), note: "x".repeat(800) }),
});
export const plots = pipeline("plots", () => {
  chart();
  huge();
  nested();
});

const fan = step({ name: "seed", run: async () => 1 });
const a = step({ name: "a", run: async (n: number) => n + 1 });
const b = step({ name: "b", run: async (n: number) => n * 2 });
const check = step({ name: "check", run: async (n: number) => n === 1 });
/** 1,000 steps: a seed, a check of it, 499 `a` steps fanned out from it, and a `b` after each `a`. */
export const wide = pipeline("wide", () => {
  const root = fan();
  check(root);
  for (let i = 0; i < 499; i++) b(a(root));
});

const start = step({ name: "start", run: async () => 0 });
const link = step({ name: "link", run: async (n: number) => n + 1 });
/** 200 steps in a chain: `start`, then `link`, `link_2`, … `link_199`. */
export const chain = pipeline("chain", () => {
  let value = start();
  for (let i = 0; i < 199; i++) value = link(value);
});
