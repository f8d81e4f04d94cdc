/** The `kubeflow` orchestrator's configuration (data only: no SDK, no I/O). */
import { secretField } from "@zen/core/flavor";
import { z } from "zod";

/** Kubernetes quantity, e.g. `500m`, `2`, `1Gi`. */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const quantity = (what: string) => z.string().regex(QUANTITY, { message: `must be a Kubernetes quantity, e.g. ${what}` });

export const podSettingsSchema = z
  .object({
    resources: z
      .object({
        cpu_request: quantity("500m").optional(),
        cpu_limit: quantity("2").optional(),
        memory_request: quantity("512Mi").optional(),
        memory_limit: quantity("2Gi").optional(),
        accelerator_type: z.string().min(1).optional(),
        accelerator_count: z.number().int().min(1).optional(),
      })
      .strict()
      .optional()
      .meta({ description: "CPU/memory requests and limits, accelerators" }),
    node_selector: z.record(z.string().min(1), z.string()).optional().meta({ description: "Node labels the pod must match" }),
    tolerations: z
      .array(
        z
          .object({
            key: z.string().optional(),
            operator: z.enum(["Exists", "Equal"]).optional(),
            value: z.string().optional(),
            effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
            toleration_seconds: z.number().int().optional(),
          })
          .strict(),
      )
      .optional()
      .meta({ description: "Taints the pod tolerates" }),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be an environment variable name" }), z.string()).optional(),
  })
  .strict();

export type PodSettings = z.infer<typeof podSettingsSchema>;

/**
 * The official Node 20 image (bookworm-slim), pinned by the digest of its multi-platform index: a
 * moved tag cannot change the step image, and the digest is checked when the base is read. The tag
 * is kept for readers; bump both together, deliberately.
 */
export const DEFAULT_BASE_IMAGE = "docker.io/library/node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0";

export const kubeflowOrchestratorConfig = z
  .object({
    kubeflow_hostname: z
      .url({ protocol: /^https?$/, message: "must be the http(s) URL of the Kubeflow Pipelines API, e.g. https://kfp.example.com/pipeline" })
      .meta({ description: "URL of the Kubeflow Pipelines API (the ml-pipeline service or the Kubeflow gateway)" }),
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "must be a Kubernetes namespace name" })
      .optional(),
    experiment: z.string().min(1).optional().meta({ description: "Experiment the runs go into (default: the pipeline's name)" }),
    token: secretField("Bearer token for the KFP API").optional(),
    username: secretField("User name of the Kubeflow (Dex) login, with password: its session cookie goes with every request").optional(),
    password: secretField("Password of the Kubeflow (Dex) login, with username").optional(),
    synchronous: z.boolean().optional().meta({ description: "Wait for the run to end (default true); false: submit and return with its URL" }),
    timeout: z.number().int().min(1).optional().meta({ description: "Seconds to wait for a synchronous run (default 1200)" }),
    pod_settings: podSettingsSchema.optional().meta({ description: "Pod settings of every step" }),
    step_pod_settings: z.record(z.string().min(1), podSettingsSchema).optional().meta({ description: "Pod settings per step name (over pod_settings)" }),
    image: z.string().min(1).optional().meta({ description: "A prebuilt step image (skips the image build)" }),
    base_image: z
      .string()
      .min(1)
      .optional()
      .meta({ description: `Base image of the step image (default: ${DEFAULT_BASE_IMAGE})` }),
    skip_local_validations: z.boolean().optional().meta({ description: "Allow stores on this machine (e.g. a cluster running locally)" }),
  })
  .refine((c) => (c.username === undefined) === (c.password === undefined), {
    message: "username and password must be given together (or neither)",
    path: ["password"],
  })
  .refine((c) => c.token === undefined || c.username === undefined, {
    message: "use either token or username/password, not both",
    path: ["token"],
  });

export type KubeflowOrchestratorConfig = z.infer<typeof kubeflowOrchestratorConfig>;

export const DEFAULT_TIMEOUT_SECONDS = 1200;
