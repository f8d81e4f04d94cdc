/**
 * Flavors that a known package provides, so that an unknown-flavor error can say what to install
 * (and a broken known package can still list its flavors). Data only; discovery never relies on it.
 */
import type { ComponentType } from "./component-types.ts";

export interface KnownFlavorPackage {
  type: ComponentType;
  flavor: string;
  package: string;
}

export const KNOWN_FLAVOR_PACKAGES: readonly KnownFlavorPackage[] = [
  { type: "artifact_store", flavor: "s3", package: "@zen/integration-s3" },
  { type: "artifact_store", flavor: "gcs", package: "@zen/integration-gcs" },
  { type: "orchestrator", flavor: "kubeflow", package: "@zen/integration-kubeflow" },
  { type: "experiment_tracker", flavor: "mlflow", package: "@zen/integration-mlflow" },
  { type: "model_deployer", flavor: "mlflow", package: "@zen/integration-mlflow" },
];

/** The package that provides `type`/`flavor`, if a known one does. */
export function knownPackageFor(type: ComponentType, flavor: string): string | undefined {
  return KNOWN_FLAVOR_PACKAGES.find((k) => k.type === type && k.flavor === flavor)?.package;
}

/** The flavors a known package provides (empty for packages not in the table). */
export function knownFlavorsOf(packageName: string): KnownFlavorPackage[] {
  return KNOWN_FLAVOR_PACKAGES.filter((k) => k.package === packageName);
}
