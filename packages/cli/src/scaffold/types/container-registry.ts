/** Container registry: the config (a validated registry URI and credentials) and image names. */
import type { TypeTemplate } from "../type-template.ts";

export const containerRegistryTemplate: TypeTemplate = {
  description: () => "Keeps the container images of pipeline runs in a registry",
  usesSecretField: true,
  configFields: () => `    uri: z
      .string()
      .trim()
      .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\\/[a-z0-9._-]+)*\\/?$/, {
        message: "must be a registry like registry.example.com[:port][/namespace], without a scheme or spaces",
      })
      .meta({ description: "Registry URI, e.g. registry.example.com/my-team" }),
    username: z.string().min(1).optional().meta({ description: "User to log in with" }),
    // A secret field only accepts a reference like {{registry.password}}, resolved through the stack's
    // secrets manager when the registry is used: the value is never stored or shown.
    password: secretField("Password or access token of the registry user").optional(),`,
  exampleConfig: () => ({ uri: "registry.example.com/my-team", username: "ci" }),
  invalidConfigs: () => [
    { uri: "https://registry.example.com" },
    { uri: "has spaces.example.com" },
    { uri: "registry.example.com", password: "a-literal-password" },
  ],
  readme: (n) =>
    `The implementation in \`src/${n.moduleName}.ts\` extends \`BaseContainerRegistry\` (which provides
\`uri\` without a trailing slash and \`isLocal\`) with \`imageName()\`; the config schema refuses URIs with
a scheme or spaces. Add what your registry needs (a login step in \`prepareStackDeployment\`, …).`,
  implementation: (n) => `/**
 * The \`${n.flavor}\` container registry: the base class gives \`uri\` (without a trailing slash) and
 * \`isLocal\`; add what your registry needs, e.g. a login in \`prepareStackDeployment\`.
 */
import { BaseContainerRegistry } from "@zen/core/flavor";
import type { ${n.configType} } from "./flavors.ts";

export class ${n.className} extends BaseContainerRegistry<${n.configType}> {
  /** The full name of an image in this registry: \`<uri>/<name>:<tag>\`. */
  imageName(name: string, tag = "latest"): string {
    return \`\${this.uri}/\${name}:\${tag}\`;
  }
}
`,
  test: (n) => ({
    imports: [`import { describeContainerRegistryConformance, describeFlavorConformance } from "@zen/core/testing";`],
    body: `// What every container registry flavor owes zen: valid registry URIs accepted, bad ones refused
// naming \`uri\`, and a component whose uri has no trailing slash.
describeContainerRegistryConformance("${n.flavor}", ${n.flavorConst}, {
  validUris: ["localhost:5000", "registry.example.com/my-team", "registry.example.com:443/team/images"],
  invalidUris: ["https://registry.example.com", "has spaces.example.com", "UPPER.example.com"],
});

describe("${n.className}", () => {
  it("names images in the registry", () => {
    const registry = new ${n.className}({
      id: "${n.flavor}-test",
      name: "${n.flavor}_test",
      flavor: "${n.flavor}",
      config: { uri: "registry.example.com/my-team/" },
      configDir: "/nonexistent",
    });
    expect(registry.imageName("trainer", "1.2")).toBe("registry.example.com/my-team/trainer:1.2");
  });
});
`,
  }),
};
