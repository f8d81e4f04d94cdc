import { describe, expect, it } from "@jest/globals";
import { BUILTIN_FLAVORS, builtinFlavor } from "../src/flavors/builtin.ts";
import { parseComponentConfig } from "../src/config-values.ts";
import { describeFlavor } from "../src/discovery/describe-flavor.ts";
import { isFlavor, loadImplementation } from "../src/flavor.ts";

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

describe("built-in flavors", () => {
  it("are the five built-in flavors, branded, each of its own type", () => {
    expect(BUILTIN_FLAVORS.map((f) => `${f.type}/${f.name}`)).toEqual([
      "orchestrator/local",
      "artifact_store/local",
      "metadata_store/sqlite",
      "container_registry/default",
      "secrets_manager/local",
    ]);
    expect(BUILTIN_FLAVORS.every(isFlavor)).toBe(true);
    expect(builtinFlavor("metadata_store", "sqlite")?.name).toBe("sqlite");
    expect(builtinFlavor("metadata_store", "mysql")).toBeUndefined();
  });

  it("load their implementation classes lazily, of the matching component type", async () => {
    const expected: Record<string, string> = {
      orchestrator: "LocalOrchestrator",
      artifact_store: "LocalArtifactStore",
      metadata_store: "SqliteMetadataStore",
      container_registry: "BaseContainerRegistry",
      secrets_manager: "LocalSecretsManager",
    };
    for (const flavor of BUILTIN_FLAVORS) {
      const implementation = await loadImplementation(flavor);
      expect([flavor.type, implementation.name]).toEqual([flavor.type, expected[flavor.type]]);
      expect(implementation.componentType).toBe(flavor.type);
    }
  });

  it("validate their configs", () => {
    const store = builtinFlavor("artifact_store", "local")!;
    expect(parseComponentConfig(store, { path: "/tmp/artifacts" })).toEqual({ path: "/tmp/artifacts" });
    expect(message(() => parseComponentConfig(store, {}))).toBe("Invalid configuration for the artifact store flavor 'local': path is required.");
    expect(message(() => parseComponentConfig(store, { path: "s3://bucket" }))).toBe(
      "Invalid configuration for the artifact store flavor 'local': path must be a local directory path, not a URL.",
    );
    const sqlite = builtinFlavor("metadata_store", "sqlite")!;
    expect(parseComponentConfig(sqlite, { uri: "/tmp/zen/metadata.db" })).toEqual({ uri: "/tmp/zen/metadata.db" });
    expect(parseComponentConfig(sqlite, { uri: "sqlite:///tmp/m.db" })).toEqual({ uri: "sqlite:///tmp/m.db" });
    expect(parseComponentConfig(store, { path: "file:///tmp/a" })).toEqual({ path: "file:///tmp/a" });
    expect(message(() => parseComponentConfig(sqlite, { uri: "mysql://host/db" }))).toBe(
      "Invalid configuration for the metadata store flavor 'sqlite': uri must be a local file path, not a URL.",
    );
    const registry = builtinFlavor("container_registry", "default")!;
    expect(parseComponentConfig(registry, { uri: "localhost:5000" })).toEqual({ uri: "localhost:5000" });
    expect(message(() => parseComponentConfig(registry, { uri: " " }))).toContain("uri must be a non-empty registry URI");
    const secrets = builtinFlavor("secrets_manager", "local")!;
    expect(parseComponentConfig(secrets, {})).toEqual({});
    expect(parseComponentConfig(secrets, { path: "/tmp/s" })).toEqual({ path: "/tmp/s" });
    const orchestrator = builtinFlavor("orchestrator", "local")!;
    expect(parseComponentConfig(orchestrator, {})).toEqual({});
    expect(parseComponentConfig(orchestrator, { "max-concurrency": "8" })).toEqual({ maxConcurrency: 8 });
    expect(message(() => parseComponentConfig(orchestrator, { maxConcurrency: "0" }))).toBe(
      "Invalid configuration for the orchestrator flavor 'local': maxConcurrency must be at least 1.",
    );
    expect(message(() => parseComponentConfig(orchestrator, { path: "/x" }))).toBe("Unknown config key 'path' for the orchestrator flavor 'local'.");
  });

  it("describe their config keys as JSON Schema", () => {
    const info = describeFlavor(builtinFlavor("artifact_store", "local")!, { kind: "builtin", package: "@zen/core" });
    expect(info.configSchema).toMatchObject({
      type: "object",
      properties: { path: { type: "string", description: "Directory that holds the artifacts" } },
      required: ["path"],
    });
    expect(info.secretFields).toEqual([]);
  });
});
