/** The config of the `s3` artifact store flavor: its schema, shared by the flavors module and the implementation. */
import { secretField } from "@zen/core/flavor";
import { z } from "zod";

/** `s3://bucket[/prefix]`, with a bucket name S3 accepts. */
const S3_PATH = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

export const s3ArtifactStoreConfig = z
  .object({
    path: z
      .string()
      .startsWith("s3://", { message: "must start with s3:// followed by a bucket name, e.g. s3://my-bucket/artifacts", abort: true })
      .regex(S3_PATH, { message: "must be s3://<bucket>[/<prefix>] with a valid bucket name (3-63 characters: a-z, 0-9, '.' and '-')" })
      .meta({ description: "Bucket and prefix the artifacts go under, e.g. s3://my-bucket/zen" }),
    region: z.string().min(1).optional().meta({ description: "AWS region of the bucket (default: the AWS default chain, e.g. AWS_REGION)" }),
    endpoint_url: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL, e.g. http://127.0.0.1:7070" })
      .optional()
      .meta({ description: "Endpoint of an S3-compatible service (default: AWS)" }),
    force_path_style: z
      .boolean()
      .optional()
      .meta({ description: "Address buckets as <endpoint>/<bucket> instead of <bucket>.<endpoint> (default: true with endpoint_url)" }),
    access_key_id: secretField("Access key id (default: the AWS default credential chain)").optional(),
    secret_access_key: secretField("Secret access key (with access_key_id)").optional(),
    session_token: secretField("Session token of temporary credentials").optional(),
    request_checksum_calculation: z
      .enum(["when_supported", "when_required"])
      .optional()
      .meta({ description: "Checksums on uploads: when_supported (SDK default) or when_required (for S3-compatible services that reject them)" }),
    response_checksum_validation: z
      .enum(["when_supported", "when_required"])
      .optional()
      .meta({ description: "Checksum validation on downloads: when_supported (SDK default) or when_required" }),
  })
  .refine((c) => (c.access_key_id === undefined) === (c.secret_access_key === undefined), {
    message: "access_key_id and secret_access_key must be given together (or neither, for the AWS default chain)",
    path: ["secret_access_key"],
  })
  .refine((c) => c.session_token === undefined || c.access_key_id !== undefined, {
    message: "session_token needs access_key_id and secret_access_key",
    path: ["session_token"],
  });

export type S3ArtifactStoreConfig = z.infer<typeof s3ArtifactStoreConfig>;
