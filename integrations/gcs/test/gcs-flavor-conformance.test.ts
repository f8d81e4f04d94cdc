/** The flavor contract of `@zen/core/testing` on the `gcs` flavor (schema, secret fields, lazy implementation). */
import { describeFlavorConformance } from "@zen/core/testing";
import { gcsArtifactStore } from "../src/flavors.ts";

describeFlavorConformance(gcsArtifactStore, {
  validConfig: { path: "gs://my-bucket/zen", project: "my-project", api_endpoint: "http://127.0.0.1:4443", service_account_key: "{{gcp.key}}" },
  invalidConfigs: [
    { path: "s3://my-bucket/zen", project: "p" },
    { path: "gs://my-bucket/zen" },
    { path: "gs://my-bucket/zen", project: "p", api_endpoint: "ftp://x" },
    {},
  ],
});
