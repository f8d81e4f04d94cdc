/** The `gcs` flavor: config schema, the service-account key check, and that the Google SDK loads only with the implementation. */
import { describe, expect, it } from "@jest/globals";
import { fileURLToPath } from "node:url";
import { resolvedImports } from "@zen/test-utils";
import { z } from "zod";
import { gcsArtifactStore, gcsArtifactStoreConfig } from "../src/flavors.ts";
import { GcsArtifactStore } from "../src/gcs-artifact-store.ts";

const issues = (value: unknown) => (gcsArtifactStoreConfig.safeParse(value).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("gcs flavor", () => {
  it("is an artifact_store flavor named gcs whose implementation supports gs:// paths", async () => {
    expect(gcsArtifactStore).toMatchObject({ $$type: "@zen/Flavor", type: "artifact_store", name: "gcs", apiVersion: 1 });
    expect(await gcsArtifactStore.implementation()).toBe(GcsArtifactStore);
    expect(GcsArtifactStore.supportedSchemes).toEqual(["gs://"]);
  });

  it("refuses a path that is not gs:// with the reason, and wants a project unless a key names one", () => {
    expect(issues({ path: "s3://bucket/x", project: "p" })).toEqual(["path: must start with gs:// followed by a bucket name, e.g. gs://my-bucket/artifacts"]);
    expect(issues({ path: "gs://bucket/x" })).toEqual(["project: is required unless service_account_key is given (its project_id is used)"]);
    expect(issues({ path: "gs://bucket/x", project: "my-project" })).toEqual([]);
    expect(issues({ path: "gs://bucket/x", service_account_key: "{{gcp.key}}" })).toEqual([]);
    expect(issues({ path: "gs://bucket/x", service_account_key: '{"type":"service_account"}' })[0]).toMatch(/^service_account_key: must be a secret reference/);
    const schema = z.toJSONSchema(gcsArtifactStoreConfig) as { properties: Record<string, Record<string, unknown>> };
    expect(
      Object.entries(schema.properties)
        .filter(([, p]) => p["x-zen-secret"] === true)
        .map(([k]) => k),
    ).toEqual(["service_account_key"]);
  });

  it("refuses a service_account_key that is not a key JSON without echoing it", () => {
    const store = new GcsArtifactStore({
      id: "g",
      name: "gcs_badkey",
      flavor: "gcs",
      config: { path: "gs://bucket/x", service_account_key: "not-json-but-secret-text" },
      configDir: "/nonexistent",
    });
    let error: { message: string; hint?: string } | undefined;
    try {
      void store.storage;
    } catch (caught) {
      error = caught as { message: string; hint?: string };
    }
    expect(error?.message).toBe("The service_account_key of artifact store 'gcs_badkey' is not a service-account key JSON.");
    expect(`${error?.message} ${error?.hint}`).not.toContain("not-json-but-secret-text");
  });

  it("imports @google-cloud/storage only when the implementation loads", () => {
    const flavors = JSON.stringify(new URL("../src/flavors.ts", import.meta.url).href);
    const check = (code: string) => resolvedImports({ cwd: fileURLToPath(new URL("..", import.meta.url)), code, matching: "@google-cloud" });
    expect(check(`const m = await import(${flavors}); if (m.default[0].name !== "gcs") process.exit(3);`)).toEqual([]);
    expect(check(`const m = await import(${flavors}); await m.default[0].implementation();`)).toContain("@google-cloud/storage");
  });
});
