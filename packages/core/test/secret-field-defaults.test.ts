// A secret field never carries a value of its own: no default in its type, none past defineFlavor,
// none in a parsed config; and componentTestConfig gives tests the config a component receives.
import { describe, expect, it } from "@jest/globals";
import { z } from "zod";
import { BaseExperimentTracker } from "../src/components/optional-components.ts";
import { assertSecretReferences, defineFlavor, secretField, secretFieldsWithLiteralDefault, secretLiteralFields } from "../src/flavor.ts";
import { componentTestConfig } from "../src/testing/component-config.ts";

const LITERAL = "sk-live-123456";
class Hook extends BaseExperimentTracker<{ url: string; retries: number; api_token?: string | undefined }> {}

function thrown(fn: () => unknown): Error & { code?: string; hint?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string; hint?: string };
  }
  throw new Error("expected a throw");
}

const spec = (config: z.ZodType<Record<string, unknown>>) => ({
  type: "experiment_tracker" as const,
  name: "hook",
  description: "Posts alerts to a webhook",
  config,
  implementation: async () => Hook as never,
});

describe("secret fields and defaults", () => {
  it("refuses a literal default in the type and in defineFlavor, without repeating it", () => {
    // @ts-expect-error -- a secret field has no default
    const withDefault = secretField("token").default(LITERAL);
    // @ts-expect-error -- nor has its optional form
    const optionalWithDefault = secretField("token").optional().default(LITERAL);
    for (const field of [withDefault, optionalWithDefault]) {
      const error = thrown(() => defineFlavor(spec(z.object({ url: z.string(), api_token: field }))));
      expect(error).toMatchObject({ code: "ZEN_INVALID_FLAVOR", message: expect.stringContaining("'api_token'"), hint: expect.stringContaining(".default(") });
      expect(`${error.message} ${error.hint}`).not.toContain(LITERAL);
    }
  });

  it("accepts secret fields without defaults, and defaults elsewhere", () => {
    const flavor = defineFlavor(spec(z.object({ url: z.string(), retries: z.number().default(3), api_token: secretField("token").optional() })));
    expect(secretFieldsWithLiteralDefault(flavor)).toEqual([]);
  });

  it("finds secret values in a config (for every path that stores or shows one) and names only the fields", () => {
    expect(secretLiteralFields({ a: "{{s.k}}", b: LITERAL, c: undefined }, ["a", "b", "c"])).toEqual(["b"]);
    const error = thrown(() => assertSecretReferences({ api_token: LITERAL }, ["api_token"], "experiment tracker 'hook'"));
    expect(error).toMatchObject({ code: "ZEN_INVALID", message: expect.stringContaining("'api_token' of experiment tracker 'hook'") });
    expect(`${error.message} ${error.hint}`).not.toContain(LITERAL);
    expect(() => assertSecretReferences({ api_token: "{{s.k}}", url: "x" }, ["api_token"], "experiment tracker 'hook'")).not.toThrow();
  });
});

describe("componentTestConfig", () => {
  const schema = z.object({ url: z.string(), retries: z.number().default(3), api_token: secretField("token").optional() });
  const flavor = defineFlavor<z.infer<typeof schema>>({ ...spec(schema), config: schema });

  it("applies defaults, converts CLI strings and resolves secret references from the values given", () => {
    const config = componentTestConfig(flavor, { url: "https://x.example.com", api_token: "{{hook.token}}" }, { secrets: { hook: { token: "test-token" } } });
    expect(config).toEqual({ url: "https://x.example.com", retries: 3, api_token: "test-token" });
    const alerter = new Hook({ id: "t", name: "t", flavor: "hook", config, configDir: "/nonexistent" });
    expect(alerter.config.api_token).toBe("test-token");
    expect(componentTestConfig(flavor, { url: "u", retries: "5" }).retries).toBe(5);
  });

  it("names a reference the test does not give, and refuses a literal secret like zen register", () => {
    expect(thrown(() => componentTestConfig(flavor, { url: "u", api_token: "{{hook.token}}" }))).toMatchObject({
      message: expect.stringContaining("{{hook.token}}"),
      hint: expect.stringContaining("secrets: { hook: { token"),
    });
    const literal = thrown(() => componentTestConfig(flavor, { url: "u", api_token: LITERAL }));
    expect(literal).toMatchObject({ code: "ZEN_INVALID" });
    expect(literal.message).not.toContain(LITERAL);
  });
});
