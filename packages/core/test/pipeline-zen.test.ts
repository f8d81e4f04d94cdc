/** Pipelines on stacks from the user's profile, through the Zen facade (ZEN_CONFIG_PATH in a temp dir). */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir } from "@zen/test-utils";
import { parse, stringify } from "yaml";
import { PipelineRepository, Zen, pipeline, step } from "../src/index.ts";

function sandbox() {
  const root = makeTempDir("zen-pipeline-zen-");
  const configDir = path.join(root, "config");
  const zen = {
    cwd: root,
    env: { ...process.env, ZEN_CONFIG_PATH: configDir, ZEN_REPOSITORY_PATH: undefined, ZEN_STACK: undefined, ZEN_PROFILE: undefined },
    onNotice: () => {},
  };
  return { root, configDir, zen };
}

const started: string[] = [];
const hello = step({ name: "hello", run: async () => (started.push("hello"), "hello from the default stack") });
const flow = pipeline("on-profile", () => void hello());

describe("pipelines on the profile's stacks", () => {
  it("run on the active (default) stack when none is given, and are read back from it", async () => {
    const { configDir, zen } = sandbox();
    const run = await flow.run({ zen, onEvent: false });
    expect(run.status).toBe("completed");
    expect(run.stack.name).toBe("default");
    expect(run.stack.components).toMatchObject({
      orchestrator: { name: "default", flavor: "local" },
      artifact_store: { name: "default", flavor: "local" },
      metadata_store: { name: "default", flavor: "sqlite" },
    });
    expect(run.getStep(hello).output.uri.startsWith(path.join(configDir, "local_stores"))).toBe(true);

    const repository = await PipelineRepository.open({ zen });
    const latest = await (await repository.getPipeline(flow)).latestRun();
    expect(latest?.id).toBe(run.id);
    expect(await latest!.getStep(hello).output.read()).toBe("hello from the default stack");

    // Unchanged: cached on the next run, through a fresh facade.
    const again = await flow.run({ zen, onEvent: false });
    expect(again.getStep(hello).status).toBe("cached");
  });

  it("run on a named stack", async () => {
    const { zen } = sandbox();
    const facade = await Zen.open(zen);
    await facade.registerComponent("artifact_store", "other_store", "local", { path: path.join(zen.cwd, "other-artifacts") });
    await facade.registerStack("other", { orchestrator: "default", artifact_store: "other_store", metadata_store: "default" });
    const run = await flow.run({ zen, stack: "other", onEvent: false });
    expect(run.stack.name).toBe("other");
    expect(run.getStep(hello).output.uri.startsWith(path.join(zen.cwd, "other-artifacts"))).toBe(true);
  });

  it("fail before any step starts when the stack's flavor packages are missing, naming every one", async () => {
    const { configDir, zen } = sandbox();
    await Zen.open(zen);
    // A profile shared from a machine that has the integrations installed: the components exist, the packages don't.
    const file = path.join(configDir, "profiles", "default", "stacks.yaml");
    const doc = parse(await readFile(file, "utf8")) as { components: Record<string, Record<string, unknown>>; stacks: Record<string, unknown> };
    doc.components.artifact_store!.bucket = { id: "a-s3", flavor: "s3", config: { path: "s3://bucket/zen" } };
    doc.components.orchestrator!.kfp = { id: "o-kfp", flavor: "kubeflow", config: {} };
    doc.stacks.cloud = { id: "s-cloud", components: { orchestrator: "kfp", artifact_store: "bucket", metadata_store: "default" } };
    await writeFile(file, stringify(doc));

    started.length = 0;
    const error = (await flow.run({ zen, stack: "cloud", onEvent: false }).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(error.message).toContain("Missing packages: @zen/integration-kubeflow (for orchestrator 'kfp'); @zen/integration-s3 (for artifact store 'bucket').");
    expect(error.hint).toContain("@zen/integration-kubeflow @zen/integration-s3");
    expect(started).toEqual([]);
    // Nothing was recorded in the stack's metadata store.
    const repository = await PipelineRepository.open({ zen, stack: "default" });
    expect(await repository.getPipelines()).toEqual([]);
  });
});
