/** The configs of the `mlflow` experiment tracker and model deployer flavors: schemas shared by the flavors module and the implementations. */
import { LOCAL_PATH_KEYWORD, secretField } from "@zen/core/flavor";
import { z } from "zod";

export const mlflowExperimentTrackerConfig = withServerRules(
  z.object({
    tracking_uri: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL of an MLflow tracking server, e.g. http://127.0.0.1:5000" })
      .meta({ description: "The MLflow tracking server, e.g. http://127.0.0.1:5000" }),
    username: secretField("User of a server with basic authentication (with password)").optional(),
    password: secretField("Password of that user").optional(),
    token: secretField("Bearer token (instead of username/password)").optional(),
    experiment_name: z.string().min(1).max(500).optional().meta({ description: "Experiment the runs go under (default: the pipeline's name)" }),
    tags: z.record(z.string().min(1).max(250), z.string().max(8000)).optional().meta({ description: "Tags set on every MLflow run" }),
    timeout_seconds: z.number().positive().max(600).optional().meta({ description: "Timeout of one request to the server (default 30)" }),
    nested: z.boolean().optional().meta({ description: "Log each step in a child run of the pipeline run's MLflow run (default false)" }),
    insecure_tls: z
      .boolean()
      .optional()
      .meta({ description: "Skip verifying the https server's certificate (self-signed servers on a trusted network; default false)" }),
  }),
);

export type MlflowExperimentTrackerConfig = z.infer<typeof mlflowExperimentTrackerConfig>;

/** The rules every mlflow component's server settings follow: username with password, or a token; insecure_tls for https only. */
function withServerRules<
  T extends z.ZodType<{
    tracking_uri: string;
    username?: string | undefined;
    password?: string | undefined;
    token?: string | undefined;
    insecure_tls?: boolean | undefined;
  }>,
>(schema: T): T {
  return schema
    .refine((c) => (c.username === undefined) === (c.password === undefined), {
      message: "username and password must be given together",
      path: ["password"],
    })
    .refine((c) => c.token === undefined || c.username === undefined, {
      message: "give either token or username/password, not both",
      path: ["token"],
    })
    .refine((c) => !c.insecure_tls || c.tracking_uri.startsWith("https:"), {
      message: "insecure_tls applies to an https tracking_uri only",
      path: ["insecure_tls"],
    });
}

// The model deployer talks to the same server with the same credentials (the tracker's fields, reused).
const server = mlflowExperimentTrackerConfig.shape;

export const mlflowModelDeployerConfig = withServerRules(
  z.object({
    tracking_uri: server.tracking_uri,
    username: server.username,
    password: server.password,
    token: server.token,
    timeout_seconds: server.timeout_seconds,
    insecure_tls: server.insecure_tls,
    service_path: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: "Directory of the prediction services' config, pid, port and log (default: under zen's config directory)",
        [LOCAL_PATH_KEYWORD]: true,
      }),
    start_timeout_seconds: z
      .number()
      .positive()
      .max(3600)
      .optional()
      .meta({ description: "How long a prediction service may take to answer after it was started (default 120)" }),
  }),
);

export type MlflowModelDeployerConfig = z.infer<typeof mlflowModelDeployerConfig>;
