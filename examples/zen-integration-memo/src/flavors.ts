/**
 * The `memo` artifact store flavor: data only. zen imports this module (the package's
 * "./flavors" export, named by "zen.flavors" in package.json) to list the flavor and validate
 * configs; the implementation, and any SDK it needs, loads the first time a component is used.
 */
import { defineFlavor, secretField } from "@zen/core/flavor";
import { z } from "zod";

export const memoArtifactStoreConfig = z.object({
  path: z
    .string()
    .regex(/^memo:\/\/[^/\s]+(\/.*)?$/, { message: "must be memo://<bucket>[/<prefix>]" })
    .meta({ description: "Bucket and prefix the artifacts go under, e.g. memo://my-bucket/zen" }),
  root: z.string().min(1).meta({ description: "Directory where this skeleton keeps the objects (replace it with your service's endpoint)" }),
  // A secret field only accepts a reference like {{my_secret.token}}, resolved through the stack's
  // secrets manager when the store is used: the value is never stored or shown.
  token: secretField("API token of the storage service").optional(),
});

export type MemoArtifactStoreConfig = z.infer<typeof memoArtifactStoreConfig>;

export const memoArtifactStore = defineFlavor<MemoArtifactStoreConfig>({
  type: "artifact_store",
  name: "memo",
  description: "Stores pipeline artifacts as objects in a storage service, at memo://<bucket>/<prefix>",
  config: memoArtifactStoreConfig,
  implementation: () => import("./memo-artifact-store.ts").then((m) => m.MemoArtifactStore),
});

export default [memoArtifactStore];
