import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { makeTempDir } from "@zen/test-utils";
import type { StackView } from "@zen/core";
import { kubeflowOrchestrator } from "../src/flavors.ts";
import { parseImageReference } from "@zen/core/image";
import { DEFAULT_BASE_IMAGE, type KubeflowOrchestratorConfig } from "../src/config.ts";
import { stepImageSpec } from "../src/step-image.ts";

const HOST = { kubeflow_hostname: "https://kfp.example.com/pipeline" };

function parse(config: Record<string, unknown>) {
  return kubeflowOrchestrator.config.safeParse(config);
}

function messages(config: Record<string, unknown>): string[] {
  const result = parse(config);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const remote: StackView["components"] = {
  artifact_store: { name: "bucket", flavor: "s3", config: { path: "s3://zen-artifacts/runs", endpoint_url: "https://s3.example.com" } },
  metadata_store: { name: "db", flavor: "mysql", config: { host: "mysql.zen.svc", database: "zen" } },
  container_registry: { name: "registry", flavor: "default", config: { uri: "registry.example.com/zen" } },
};

function issues(components: StackView["components"], config: Partial<KubeflowOrchestratorConfig> = {}) {
  const self = { name: "kfp", config: { ...HOST, ...config } as KubeflowOrchestratorConfig };
  return kubeflowOrchestrator.validateStack!(
    { name: "prod", components: { orchestrator: { name: "kfp", flavor: "kubeflow", config: self.config }, ...components } },
    self,
  );
}

describe("kubeflow orchestrator config", () => {
  it("accepts the documented settings", () => {
    expect(
      messages({
        ...HOST,
        namespace: "team-a",
        experiment: "nightly",
        token: "{{kfp.token}}",
        synchronous: false,
        timeout: 600,
        pod_settings: {
          resources: { cpu_limit: "2", memory_limit: "4Gi" },
          node_selector: { pool: "cpu" },
          tolerations: [{ key: "gpu", operator: "Exists" }],
          env: { LOG_LEVEL: "debug" },
        },
        step_pod_settings: { train: { resources: { accelerator_type: "nvidia.com/gpu" } } },
        image: `registry.example.com/zen/app@sha256:${"0".repeat(64)}`,
        skip_local_validations: true,
      }),
    ).toEqual([]);
  });

  it("needs the KFP API URL and takes credentials only as secret references, both or neither", () => {
    expect(messages({})).toEqual([expect.stringMatching(/^kubeflow_hostname: /)]);
    expect(messages({ kubeflow_hostname: "kfp.example.com" })).toEqual([expect.stringContaining("must be the http(s) URL of the Kubeflow Pipelines API")]);
    expect(messages({ ...HOST, token: "abc" })).toEqual([expect.stringContaining("token: must be a secret reference")]);
    expect(messages({ ...HOST, username: "{{kf.user}}" })).toEqual(["password: username and password must be given together (or neither)"]);
    expect(messages({ ...HOST, token: "{{kf.token}}", username: "{{kf.user}}", password: "{{kf.password}}" })).toEqual([
      "token: use either token or username/password, not both",
    ]);
  });

  it("builds on an official Node image pinned by digest unless base_image says otherwise", () => {
    expect(parseImageReference(DEFAULT_BASE_IMAGE)).toEqual({
      registry: "docker.io",
      repository: "library/node",
      tag: "20-bookworm-slim",
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    const projectDir = makeTempDir("zen-kfp-base-");
    writeFileSync(path.join(projectDir, "package.json"), "{}");
    const options = { projectDir, registryUri: "registry.example.com/team", repository: "zen-app" };
    expect(stepImageSpec(options).base).toBe(DEFAULT_BASE_IMAGE);
    expect(stepImageSpec({ ...options, baseImage: "registry.example.com/base:1" }).base).toBe("registry.example.com/base:1");
  });

  it("refuses pod settings Kubernetes would refuse", () => {
    expect(messages({ ...HOST, pod_settings: { resources: { cpu_limit: "two" } } })).toEqual([
      expect.stringContaining("pod_settings.resources.cpu_limit: must be a Kubernetes quantity"),
    ]);
    expect(messages({ ...HOST, pod_settings: { tolerations: [{ operator: "Maybe" }] } })).toHaveLength(1);
    expect(messages({ ...HOST, pod_settings: { memory: "1Gi" } })).toEqual([expect.stringContaining("Unrecognized key")]);
  });
});

describe("kubeflow stack validation", () => {
  it("accepts a stack whose stores and registry a pod can reach", () => {
    expect(issues(remote)).toEqual([]);
  });

  it("needs a container registry unless a prebuilt image is set", () => {
    const { container_registry: _registry, ...rest } = remote;
    expect(issues(rest)).toEqual([
      {
        message: "Stack 'prod' has no container registry, where the kubeflow orchestrator 'kfp' pushes the step image.",
        hint: expect.stringContaining("`zen stack update prod -c <name>`"),
      },
    ]);
    expect(issues(rest, { image: "registry.example.com/app:1" })).toEqual([]);
  });

  it("names each store on this machine and what to use instead", () => {
    const local: StackView["components"] = {
      artifact_store: { name: "files", flavor: "local", config: { path: "/home/me/artifacts" } },
      metadata_store: { name: "meta", flavor: "sqlite", config: { uri: "/home/me/metadata.db" } },
      container_registry: { name: "registry", flavor: "default", config: { uri: "localhost:5000" } },
    };
    const found = issues(local);
    expect(found.map((i) => i.message)).toEqual([
      "Artifact store 'files' is a directory on this machine, which the pods of the kubeflow orchestrator 'kfp' cannot reach.",
      "Metadata store 'meta' is a SQLite file on this machine, which the pods of the kubeflow orchestrator 'kfp' cannot reach.",
      "Container registry 'registry' is on this machine (localhost:5000), " +
        "from where the cluster of the kubeflow orchestrator 'kfp' cannot pull the step image.",
    ]);
    expect(found[0]!.hint).toBe(
      "Use a remote artifact store (e.g. flavor s3 or gcs) in stack 'prod', or set skip_local_validations=true on 'kfp' when the cluster runs on this machine.",
    );
    expect(found[1]!.hint).toContain("flavor mysql or postgres");
    expect(issues(local, { skip_local_validations: true })).toEqual([]);
  });

  it("sees loopback addresses in any flavor's config", () => {
    const loopback: StackView["components"] = {
      ...remote,
      artifact_store: { name: "bucket", flavor: "s3", config: { path: "s3://b", endpoint_url: "http://127.0.0.1:7070" } },
      metadata_store: { name: "db", flavor: "postgres", config: { host: "localhost", database: "zen" } },
    };
    expect(issues(loopback).map((i) => i.message)).toEqual([
      "Artifact store 'bucket' points at this machine (endpoint_url), which the pods of the kubeflow orchestrator 'kfp' cannot reach.",
      "Metadata store 'db' points at this machine (host), which the pods of the kubeflow orchestrator 'kfp' cannot reach.",
    ]);
  });
});
