/**
 * The conformance suite for container registry flavors: the `uri` config as `zen container-registry
 * register` parses it (registry references accepted, normalised without a trailing slash; empty and
 * flavor-specific bad URIs refused with a ValidationError naming `uri`), and the component built from
 * it (`uri`, `isLocal`).
 *
 *   describeContainerRegistryConformance("ghcr", ghcrFlavor, { validUris: ["ghcr.io/acme"], invalidUris: ["docker.io/x"] });
 *
 * It registers Jest tests (`@jest/globals`), so call it at the top level of a test file.
 */
import { describe, expect, it } from "@jest/globals";
import type { BaseContainerRegistry } from "../components/container-registry.ts";
import { parseComponentConfig } from "../config-values.ts";
import { loadImplementation, type Flavor } from "../flavor.ts";
import { expectThrow } from "./expect-error.ts";

export interface ContainerRegistryConformanceOptions {
  /** URIs the flavor must accept (default: a local registry, ghcr.io, and a host with a port and path). */
  validUris?: string[];
  /** URIs the flavor must refuse, in addition to the empty ones every flavor refuses. */
  invalidUris?: string[];
  /** Other config keys the flavor needs besides `uri` (secret fields as `{{name.key}}`). */
  config?: Record<string, unknown>;
}

const DEFAULT_VALID = ["localhost:5000", "127.0.0.1:5000", "ghcr.io/acme", "registry.example.com:443/team/images"];
const ALWAYS_INVALID = ["", "   "];

/** Registers the conformance tests for the container registry `flavor` (a value made with `defineFlavor`). */
export function describeContainerRegistryConformance(name: string, flavor: unknown, options: ContainerRegistryConformanceOptions = {}): void {
  const valid = options.validUris ?? DEFAULT_VALID;
  const invalid = [...ALWAYS_INVALID, ...(options.invalidUris ?? [])];
  const base = options.config ?? {};
  const typed = flavor as Flavor;
  const parse = (uri: unknown) => parseComponentConfig(typed, uri === undefined ? base : { ...base, uri });
  const build = async (uri: string) => {
    const Implementation = await loadImplementation(typed);
    const config = parse(uri);
    return new Implementation({
      id: "conformance-registry",
      name: "conformance",
      flavor: typed.name,
      config,
      configDir: "/nonexistent",
    }) as BaseContainerRegistry;
  };

  describe(`container registry conformance: ${name}`, () => {
    it("is a container registry flavor with a `uri` config key", () => {
      expect(typed.type).toBe("container_registry");
      expect(() => parse(valid[0])).not.toThrow();
    });

    it(`accepts registry URIs (${valid.join(", ")}) and keeps them as given`, () => {
      for (const uri of valid) expect(parse(uri).uri).toBe(uri);
    });

    it(`refuses empty and bad URIs (${invalid.map((u) => JSON.stringify(u)).join(", ")}) with a ValidationError naming 'uri'`, () => {
      for (const uri of invalid) expectThrow(() => parse(uri), "ZEN_INVALID", { mentions: "uri" });
    });

    it("refuses a config without a uri", () => {
      expectThrow(() => parse(undefined), "ZEN_INVALID", { mentions: "uri" });
    });

    it("builds a component whose uri has no trailing slash, and that knows a local registry", async () => {
      const Implementation = await loadImplementation(typed);
      expect(Implementation.componentType).toBe("container_registry");
      for (const uri of valid) {
        const registry = await build(uri);
        expect(registry.type).toBe("container_registry");
        expect(registry.uri).toBe(uri.replace(/\/+$/, ""));
        expect(registry.uri.endsWith("/")).toBe(false);
        expect(registry.isLocal).toBe(/^(localhost|127\.0\.0\.1):[0-9]{2,5}$/.test(registry.uri));
      }
      const withSlash = `${valid[0]}/`;
      let accepted = true;
      try {
        parse(withSlash);
      } catch {
        accepted = false;
      }
      if (accepted) expect((await build(withSlash)).uri).toBe(valid[0]!.replace(/\/+$/, ""));
    });
  });
}
