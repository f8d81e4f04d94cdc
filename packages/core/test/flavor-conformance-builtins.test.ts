/** The flavor-contract and container registry conformance suites on the built-in flavors. */
import {
  defaultContainerRegistryFlavor,
  localArtifactStoreFlavor,
  localOrchestratorFlavor,
  localSecretsManagerFlavor,
  sqliteMetadataStoreFlavor,
} from "../src/flavors/builtin.ts";
import { describeContainerRegistryConformance, describeFlavorConformance } from "../src/testing/index.ts";

describeFlavorConformance(localOrchestratorFlavor, {
  validConfig: { maxConcurrency: "2" },
  invalidConfigs: [{ maxConcurrency: "0" }, { maxConcurrency: "many" }],
});
describeFlavorConformance(localArtifactStoreFlavor, {
  validConfig: { path: "/tmp/zen-artifacts" },
  invalidConfigs: [{ path: "" }, { path: "s3://bucket" }, {}],
});
describeFlavorConformance(sqliteMetadataStoreFlavor, { validConfig: { uri: "/tmp/zen/metadata.db" }, invalidConfigs: [{ uri: "mysql://host/db" }, {}] });
describeFlavorConformance(defaultContainerRegistryFlavor, { validConfig: { uri: "localhost:5000" }, invalidConfigs: [{ uri: "" }, {}] });
describeFlavorConformance(localSecretsManagerFlavor, { validConfig: {}, invalidConfigs: [{ path: "" }] });

describeContainerRegistryConformance("default", defaultContainerRegistryFlavor);
