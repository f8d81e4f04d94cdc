/**
 * What a stack needs before a pipeline can leave this machine: a container registry for the step
 * image, and an artifact store and a metadata store that a pod can reach. Checked on register/update,
 * by `zen stack validate` and before every run, before anything is built or sent.
 */
import type { StackIssue, StackView } from "@zen/core/flavor";
import type { KubeflowOrchestratorConfig } from "./config.ts";

const LOOPBACK_HOST = /^(localhost|127(\.[0-9]{1,3}){3}|\[?::1\]?|0\.0\.0\.0)$/i;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The host of a URL or `host:port` value, lower-cased; undefined for what has none. */
function hostOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = URL_SCHEME.test(value) ? value : `scheme://${value}`;
  try {
    return new URL(text).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function isLoopback(value: unknown): boolean {
  const host = hostOf(value);
  return host !== undefined && LOOPBACK_HOST.test(host);
}

/** Config values naming where a component's data lives. */
const ADDRESS_KEYS = ["path", "uri", "url", "host", "endpoint_url", "tracking_uri"] as const;

function loopbackKey(config: Record<string, unknown>): string | undefined {
  return ADDRESS_KEYS.find((key) => isLoopback(config[key]));
}

export function kubeflowStackIssues(stack: StackView, self: { name: string; config: KubeflowOrchestratorConfig }): StackIssue[] {
  const issues: StackIssue[] = [];
  const who = `kubeflow orchestrator '${self.name}'`;
  const { artifact_store: artifacts, metadata_store: metadata, container_registry: registry } = stack.components;
  if (!registry && self.config.image === undefined) {
    issues.push({
      message: `Stack '${stack.name}' has no container registry, where the ${who} pushes the step image.`,
      hint:
        "Register one with `zen container-registry register <name> --flavor default --uri <registry host>` " +
        `and add it with \`zen stack update ${stack.name} -c <name>\` (or set the orchestrator's image to a prebuilt one).`,
    });
  }
  if (self.config.skip_local_validations === true) return issues;
  const skip = `or set skip_local_validations=true on '${self.name}' when the cluster runs on this machine`;
  const unreachable = `which the pods of the ${who} cannot reach.`;
  const unpullable = `from where the cluster of the ${who} cannot pull the step image.`;
  if (artifacts) {
    const path = artifacts.config.path;
    const local =
      artifacts.flavor === "local" || (typeof path === "string" && !URL_SCHEME.test(path)) || (typeof path === "string" && path.startsWith("file://"));
    const loopback = loopbackKey(artifacts.config);
    if (local || loopback) {
      issues.push({
        message: `Artifact store '${artifacts.name}' ${local ? "is a directory on this machine" : `points at this machine (${loopback})`}, ${unreachable}`,
        hint: `Use a remote artifact store (e.g. flavor s3 or gcs) in stack '${stack.name}', ${skip}.`,
      });
    }
  }
  if (metadata) {
    const file = metadata.flavor === "sqlite";
    const loopback = loopbackKey(metadata.config);
    if (file || loopback) {
      issues.push({
        message: `Metadata store '${metadata.name}' ${file ? "is a SQLite file on this machine" : `points at this machine (${loopback})`}, ${unreachable}`,
        hint: `Use a database server the cluster reaches (flavor mysql or postgres) in stack '${stack.name}', ${skip}.`,
      });
    }
  }
  if (registry && self.config.image === undefined && isLoopback(registry.config.uri)) {
    issues.push({
      message: `Container registry '${registry.name}' is on this machine (${String(registry.config.uri)}), ${unpullable}`,
      hint: `Use a registry the cluster pulls from, ${skip}.`,
    });
  }
  return issues;
}
