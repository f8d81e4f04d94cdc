/** The flavor contract of `@zen/core/testing` on the `s3` flavor (schema, secret fields, lazy implementation). */
import { describeFlavorConformance } from "@zen/core/testing";
import { s3ArtifactStore } from "../src/flavors.ts";

describeFlavorConformance(s3ArtifactStore, {
  validConfig: {
    path: "s3://my-bucket/zen",
    region: "eu-west-1",
    endpoint_url: "http://127.0.0.1:7070",
    force_path_style: "true",
    access_key_id: "{{aws.access_key_id}}",
    secret_access_key: "{{aws.secret_access_key}}",
    request_checksum_calculation: "when_required",
  },
  invalidConfigs: [
    { path: "gs://my-bucket/zen" },
    { path: "s3://" },
    { path: "s3://my-bucket/zen", endpoint_url: "not a url" },
    { path: "s3://my-bucket/zen", access_key_id: "{{aws.access_key_id}}" },
    { path: "s3://my-bucket/zen", request_checksum_calculation: "sometimes" },
    {},
  ],
});
