/** A user's project for the suite: package.json, `@zen/core` linked to the CLI's own copy, fixture flavor packages. */
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { flavorPackageFixture, makeProject } from "@zen/test-utils";
import { CORE_DIR, type Home } from "./zen-process.ts";

/** The optional component types that have no built-in flavor: the fixture package provides one (`fx`) each. */
export const FIXTURE_TYPES = ["step_operator", "model_deployer", "feature_store", "experiment_tracker", "alerter"] as const;
/** `zen stack update` option of each type above. */
export const STACK_OPTION: Record<(typeof FIXTURE_TYPES)[number], string> = {
  step_operator: "--step-operator",
  model_deployer: "--model-deployer",
  feature_store: "--feature-store",
  experiment_tracker: "--experiment-tracker",
  alerter: "--alerter",
};
/** CLI group of each type above. */
export const GROUP: Record<(typeof FIXTURE_TYPES)[number], string> = {
  step_operator: "step-operator",
  model_deployer: "model-deployer",
  feature_store: "feature-store",
  experiment_tracker: "experiment-tracker",
  alerter: "alerter",
};

/**
 * A project under `home` with `zen-integration-rel`: an artifact store flavor `multi` with five
 * optional keys k0..k4 (for parallel updates of different keys) and a flavor `fx` for each type above.
 */
export function makeRelProject(home: Home, name = "project"): string {
  const dir = join(home.base, name);
  mkdirSync(dir, { recursive: true });
  makeProject({ dir, name: "rel-project", linkCore: false });
  mkdirSync(join(dir, "node_modules/@zen"), { recursive: true });
  symlinkSync(CORE_DIR, join(dir, "node_modules/@zen/core"), "dir");
  const optional = (keys: string[]) => `z.object({ ${keys.map((k) => `${k}: z.string().optional()`).join(", ")} })`;
  flavorPackageFixture({
    project: dir,
    name: "zen-integration-rel",
    flavors: [
      {
        type: "artifact_store",
        name: "multi",
        config: `z.object({ path: z.string(), ${["k0", "k1", "k2", "k3", "k4"].map((k) => `${k}: z.string().optional()`).join(", ")} })`,
      },
      ...FIXTURE_TYPES.map((type) => ({ type, name: "fx", config: optional(["note"]) })),
    ],
  });
  return dir;
}
