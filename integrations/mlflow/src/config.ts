/** The config of the `mlflow` experiment tracker flavor: its schema, shared by the flavors module and the implementation. */
import { secretField } from "@zen/core/flavor";
import { z } from "zod";

export const mlflowExperimentTrackerConfig = z
  .object({
    tracking_uri: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL of an MLflow tracking server, e.g. http://127.0.0.1:5000" })
      .meta({ description: "The MLflow tracking server, e.g. http://127.0.0.1:5000" }),
    username: secretField("User of a server with basic authentication (with password)").optional(),
    password: secretField("Password of that user").optional(),
    token: secretField("Bearer token (instead of username/password)").optional(),
    experiment_name: z.string().min(1).max(500).optional().meta({ description: "Experiment the runs go under (default: the pipeline's name)" }),
    tags: z.record(z.string().min(1).max(250), z.string().max(8000)).optional().meta({ description: "Tags set on every MLflow run" }),
    timeout_seconds: z.number().positive().max(600).optional().meta({ description: "Timeout of one request to the server (default 30)" }),
  })
  .refine((c) => (c.username === undefined) === (c.password === undefined), {
    message: "username and password must be given together",
    path: ["password"],
  })
  .refine((c) => c.token === undefined || c.username === undefined, {
    message: "give either token or username/password, not both",
    path: ["token"],
  });

export type MlflowExperimentTrackerConfig = z.infer<typeof mlflowExperimentTrackerConfig>;
