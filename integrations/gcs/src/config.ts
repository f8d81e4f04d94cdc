/** The config of the `gcs` artifact store flavor: its schema, shared by the flavors module and the implementation. */
import { secretField } from "@zen/core/flavor";
import { z } from "zod";

/** `gs://bucket[/prefix]`, with a bucket name GCS accepts. */
const GCS_PATH = /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/.*)?$/;

export const gcsArtifactStoreConfig = z
  .object({
    path: z
      .string()
      .startsWith("gs://", { message: "must start with gs:// followed by a bucket name, e.g. gs://my-bucket/artifacts", abort: true })
      .regex(GCS_PATH, { message: "must be gs://<bucket>[/<prefix>] with a valid bucket name (a-z, 0-9, '.', '-' and '_')" })
      .meta({ description: "Bucket and prefix the artifacts go under, e.g. gs://my-bucket/zen" }),
    project: z.string().min(1).optional().meta({ description: "Google Cloud project id (default: the project_id of service_account_key)" }),
    api_endpoint: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL, e.g. http://127.0.0.1:4443" })
      .optional()
      .meta({ description: "Endpoint of a GCS-compatible service or emulator (default: Google Cloud Storage)" }),
    service_account_key: secretField("Service-account key JSON (default: Application Default Credentials)").optional(),
  })
  .refine((c) => c.project !== undefined || c.service_account_key !== undefined, {
    message: "is required unless service_account_key is given (its project_id is used)",
    path: ["project"],
  });

export type GcsArtifactStoreConfig = z.infer<typeof gcsArtifactStoreConfig>;
