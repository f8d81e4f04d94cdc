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
