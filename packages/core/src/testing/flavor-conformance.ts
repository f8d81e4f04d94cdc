/**
 * The conformance suite every flavor runs, whatever its component type: what discovery and the CLI
 * rely on. The flavor is branded for this flavor API, its config schema converts to JSON Schema and
 * validates the way `zen <type> register` does (valid configs pass, invalid ones fail with a
 * ValidationError, secret fields refuse literal values without echoing them), and its implementation
 * loads on demand as a class of the flavor's own component type.
 *
 *   describeFlavorConformance(myFlavor, { validConfig: { path: "memo://bucket" }, invalidConfigs: [{ path: "" }] });
 *
 * The type-specific suites (artifact store, orchestrator, …) test behaviour; run both. It registers
 * Jest tests (`@jest/globals`), so call it at the top level of a test file.
 */
import { describe, expect, it } from "@jest/globals";
import { isComponentType } from "../component-types.ts";
import { parseComponentConfig } from "../config-values.ts";
import { configJsonSchema } from "../discovery/describe-flavor.ts";
import { configProperties, secretFieldsOf } from "../discovery/json-schema.ts";
import { FLAVOR_API_VERSION, FLAVOR_BRAND, isFlavor, loadImplementation, type Flavor, type StackView } from "../flavor.ts";
import { expectThrow } from "./expect-error.ts";

export interface FlavorConformanceOptions {
  /** A configuration the flavor accepts (as `--key=value` strings or typed values); secret fields as `{{name.key}}`. */
  validConfig: Record<string, unknown>;
  /** Configurations the flavor must refuse (each one on its own). */
  invalidConfigs?: Record<string, unknown>[];
  /** Also construct the component from `validConfig` (default true; turn off if construction needs a live service). */
  instantiate?: boolean;
}

/** A component id and config directory for constructing components in tests. */
const INIT = { id: "00000000-0000-4000-8000-00000000c0f0", name: "conformance", configDir: "/nonexistent/zen-conformance" } as const;

/** Registers the flavor-contract tests for `flavor` (a value made with `defineFlavor`). */
export function describeFlavorConformance(flavor: unknown, options: FlavorConformanceOptions): void {
  const candidate = flavor as Partial<Flavor> | undefined;
  const label = `${String(candidate?.type)} flavor '${String(candidate?.name)}'`;
  let secrets: string[] = [];
  try {
    secrets = secretFieldsOf(configJsonSchema(flavor as Flavor));
  } catch {
    // not a usable flavor: the first test says so
  }

  describe(`flavor conformance: ${label}`, () => {
    it("is a flavor made with defineFlavor for this flavor API", () => {
      expect({ brand: candidate?.$$type, apiVersion: candidate?.apiVersion }).toEqual({ brand: FLAVOR_BRAND, apiVersion: FLAVOR_API_VERSION });
      expect(isFlavor(flavor)).toBe(true);
      expect(isComponentType(String(candidate?.type))).toBe(true);
      expect(candidate?.name).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
      expect(typeof candidate?.description === "string" && candidate.description.trim().length > 0).toBe(true);
    });

    it("has a config schema that converts to a JSON Schema object with the keys the CLI shows", () => {
      const schema = configJsonSchema(flavor as Flavor);
      expect(schema.type).toBe("object");
      const properties = configProperties(schema);
      expect(properties).toBeDefined();
      for (const key of Object.keys(options.validConfig)) expect(Object.keys(properties ?? {})).toContain(key);
    });

    it("accepts the valid config the way `zen register` parses it", () => {
      const parsed = parseComponentConfig(flavor as Flavor, options.validConfig);
      expect(typeof parsed).toBe("object");
    });

    for (const [index, invalid] of (options.invalidConfigs ?? []).entries()) {
      it(`refuses invalid config #${index + 1} (${JSON.stringify(invalid)}) with a ValidationError`, () => {
        expectThrow(() => parseComponentConfig(flavor as Flavor, invalid), "ZEN_INVALID");
      });
    }

    if (secrets.length > 0)
      it(`refuses a literal value in its secret fields (${secrets.join(", ")}) without echoing it, and takes a reference`, () => {
        const literal = "literal-secret-value-4f2b";
        for (const field of secrets) {
          expectThrow(() => parseComponentConfig(flavor as Flavor, { ...options.validConfig, [field]: literal }), "ZEN_INVALID", {
            mentions: field,
            hides: literal,
          });
          const parsed = parseComponentConfig(flavor as Flavor, { ...options.validConfig, [field]: "{{conformance_secret.key}}" });
          expect(parsed[field]).toBe("{{conformance_secret.key}}");
        }
      });

    it("loads its implementation on demand: a class of its own component type", async () => {
      const Implementation = await loadImplementation(flavor as Flavor);
      expect(Implementation.componentType).toBe(candidate?.type);
      if (options.instantiate === false) return;
      const config = parseComponentConfig(flavor as Flavor, options.validConfig);
      const component = new Implementation({ ...INIT, flavor: String(candidate?.name), config });
      expect(component.type).toBe(candidate?.type);
      expect(component.name).toBe(INIT.name);
      expect(component.config).toEqual(config);
    });

    if (typeof candidate?.validateStack === "function") {
      it("validates a stack that contains it, returning a list of issues", () => {
        const type = candidate.type!;
        const config = parseComponentConfig(flavor as Flavor, options.validConfig);
        const view: StackView = {
          name: "conformance",
          components: {
            orchestrator: { name: "default", flavor: "local", config: {} },
            artifact_store: { name: "default", flavor: "local", config: { path: "/tmp/artifacts" } },
            metadata_store: { name: "default", flavor: "sqlite", config: { uri: "/tmp/metadata.db" } },
            [type]: { name: INIT.name, flavor: String(candidate.name), config },
          },
        };
        const issues = candidate.validateStack!(view, { name: INIT.name, config });
        expect(Array.isArray(issues)).toBe(true);
        for (const issue of issues) expect(typeof issue.message).toBe("string");
      });
    }
  });
}
