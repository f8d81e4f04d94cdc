import { describe, expect, it } from "@jest/globals";
import { z } from "zod";
import { describeConfigKeys, LOCAL_PATH_KEYWORD, parseComponentConfig, removeConfigKeys } from "../src/config-values.ts";
import { rejectionOf } from "@zen/test-utils";
import { describeFlavor } from "../src/discovery/describe-flavor.ts";
import { defineFlavor, secretField } from "../src/flavor.ts";
import { isZenError } from "../src/errors.ts";

const Impl = class {};
const flavor = defineFlavor({
  type: "artifact_store",
  name: "fancy",
  description: "A flavor with every kind of field",
  config: z.object({
    path: z.string().describe("Where artifacts go"),
    retries: z.number().int().min(0).default(3),
    ratio: z.number().optional(),
    verbose: z.boolean().default(false),
    tags: z.array(z.string()).optional(),
    options: z.object({ region: z.string() }).optional(),
    mode: z.enum(["fast", "safe"]).default("safe"),
    timeout: z.number().nullable().optional(),
    access_key: secretField("The access key").optional(),
    sessionToken: z.string().optional(),
  }),
  implementation: async () => Impl as never,
});

function thrown(fn: () => unknown): Error & { hint?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("parseComponentConfig", () => {
  it("converts CLI strings by each key's JSON-Schema type and applies defaults", () => {
    const config = parseComponentConfig(flavor, {
      path: "/data=x",
      retries: "5",
      ratio: "0.25",
      verbose: "TRUE",
      tags: '["a","b"]',
      options: '{"region":"eu"}',
      mode: "fast",
      timeout: "null",
    });
    expect(config).toEqual({
      path: "/data=x",
      retries: 5,
      ratio: 0.25,
      verbose: true,
      tags: ["a", "b"],
      options: { region: "eu" },
      mode: "fast",
      timeout: null,
    });
  });

  it("accepts kebab-case spellings of snake_case and camelCase keys, and typed values", () => {
    const config = parseComponentConfig(flavor, { path: "/p", "access-key": "{{aws.key}}", "session-token": "t", retries: 7 });
    expect(config).toMatchObject({ access_key: "{{aws.key}}", sessionToken: "t", retries: 7 });
  });

  it("merges over the existing config for update", () => {
    const existing = parseComponentConfig(flavor, { path: "/old", retries: "1" });
    expect(parseComponentConfig(flavor, { retries: "2" }, existing)).toMatchObject({ path: "/old", retries: 2 });
  });

  it("rejects unknown keys, listing the valid ones and suggesting a close match", () => {
    const error = thrown(() => parseComponentConfig(flavor, { pth: "/x" }));
    expect(error.name).toBe("ValidationError");
    expect(error.message).toBe("Unknown config key 'pth' for the artifact store flavor 'fancy' (did you mean 'path'?).");
    expect(error.hint).toContain("Valid keys: path (string, required), retries (integer), ratio (number)");
    expect(error.hint).toContain("access_key (string, secret reference)");
    const two = thrown(() => parseComponentConfig(flavor, { path: "/x", foo: "1", bar: "2" }));
    expect(two.message).toBe("Unknown config keys 'foo', 'bar' for the artifact store flavor 'fancy'.");
  });

  it("explains bad values in plain words", () => {
    expect(thrown(() => parseComponentConfig(flavor, { path: "/x", retries: "many" })).message).toBe("The value of 'retries' must be an integer, not 'many'.");
    expect(thrown(() => parseComponentConfig(flavor, { path: "/x", verbose: "maybe" })).hint).toBe("Use --verbose=true or --verbose=false.");
    expect(thrown(() => parseComponentConfig(flavor, { path: "/x", tags: "[a" })).message).toMatch(/^The value of 'tags' is not valid JSON \(.+\)\.$/);
    const missing = thrown(() => parseComponentConfig(flavor, { retries: "2" }));
    expect(missing.message).toBe("Invalid configuration for the artifact store flavor 'fancy': path is required.");
    const several = thrown(() => parseComponentConfig(flavor, { path: "/x", retries: "-1", mode: "slow" }));
    expect(several.message).toMatch(
      /^Invalid configuration for the artifact store flavor 'fancy': retries: Too small: .*; mode: Invalid option: expected one of "fast"\|"safe"\.$/,
    );
    expect(isZenError(several)).toBe(true);
  });

  it("never repeats the value of a secret field", () => {
    const literal = "AKIAsupersecretvalue";
    const error = thrown(() => parseComponentConfig(flavor, { path: "/x", access_key: literal }));
    expect(error.message).toContain("access_key must be a secret reference like {{my_secret.key}}");
    expect(`${error.message} ${error.hint}`).not.toContain(literal);
    const secretSchema = defineFlavor({
      type: "alerter",
      name: "s",
      description: "",
      config: z.object({ token: z.number().meta({ "x-zen-secret": true }), blob: z.object({}).meta({ "x-zen-secret": true }) }),
      implementation: async () => Impl as never,
    });
    const typed = thrown(() => parseComponentConfig(secretSchema, { token: "hunter2secret" }));
    expect(typed.message).toBe("The value of 'token' must be a number.");
    const json = thrown(() => parseComponentConfig(secretSchema, { token: "1", blob: "{hunter2secret" }));
    expect(json.message).toBe("The value of 'blob' is not valid JSON.");
    const custom = defineFlavor({
      type: "alerter",
      name: "c",
      description: "",
      config: z.object({
        key: z
          .string()
          .meta({ "x-zen-secret": true })
          .refine(() => false, { message: "bad key xyzsecret" }),
      }),
      implementation: async () => Impl as never,
    });
    expect(thrown(() => parseComponentConfig(custom, { key: "xyzsecret" })).message).toBe(
      "Invalid configuration for the alerter flavor 'c': key: bad key ****.",
    );
  });

  it("accepts extra keys only when the schema allows them", () => {
    const loose = defineFlavor({
      type: "alerter",
      name: "loose",
      description: "",
      config: z.looseObject({ url: z.string() }),
      implementation: async () => Impl as never,
    });
    expect(parseComponentConfig(loose, { url: "u", extra: "1" })).toEqual({ url: "u", extra: "1" });
  });
});

describe("describeConfigKeys", () => {
  it("describes each key from the cached JSON Schema", () => {
    const info = describeFlavor(flavor, { kind: "builtin", package: "@zen/core" });
    const keys = describeConfigKeys(JSON.parse(JSON.stringify(info)));
    expect(keys.find((k) => k.key === "path")).toEqual({ key: "path", type: "string", required: true, secret: false, description: "Where artifacts go" });
    expect(keys.find((k) => k.key === "retries")).toMatchObject({ type: "integer", required: false, default: 3 });
    expect(keys.find((k) => k.key === "mode")).toMatchObject({ type: '"fast" | "safe"' });
    expect(keys.find((k) => k.key === "timeout")).toMatchObject({ type: "number | null" });
    expect(keys.find((k) => k.key === "access_key")).toMatchObject({ secret: true, description: "The access key" });
    expect(info.secretFields).toEqual(["access_key"]);
  });
});

describe("removeConfigKeys", () => {
  const existing = parseComponentConfig(flavor, { path: "/data", ratio: "0.5", "session-token": "t", retries: "5" });

  it("unsets optional keys (kebab-case spellings too) and brings defaults back", () => {
    expect(removeConfigKeys(flavor, existing, ["ratio", "session-token", "retries"])).toEqual({
      path: "/data",
      retries: 3,
      verbose: false,
      mode: "safe",
    });
  });

  it("refuses a required or an unknown key by name, whatever else is given", async () => {
    const required = await rejectionOf(Promise.resolve().then(() => removeConfigKeys(flavor, existing, ["ratio", "path"])));
    expect(required.message).toBe("Cannot remove 'path': the artifact store flavor 'fancy' requires it.");
    const unknown = await rejectionOf(Promise.resolve().then(() => removeConfigKeys(flavor, existing, ["ratio", "rtio"])));
    expect(unknown.message).toBe("Unknown config key 'rtio' for the artifact store flavor 'fancy' (did you mean 'ratio'?).");
  });
});

describe("local path fields", () => {
  const paths = defineFlavor({
    type: "artifact_store",
    name: "paths",
    description: "local paths",
    config: z.object({ dir: z.string().meta({ [LOCAL_PATH_KEYWORD]: true }), label: z.string().optional() }),
    implementation: async () => Impl as never,
  });

  it("resolves a relative value against cwd, leaves absolute paths, URLs and other fields alone", () => {
    const parse = (dir: string) => parseComponentConfig(paths, { dir, label: "x/y" }, {}, { cwd: "/work/project" });
    expect(parse("out/artifacts")).toEqual({ dir: "/work/project/out/artifacts", label: "x/y" });
    expect(parse("../common")).toEqual({ dir: "/work/common", label: "x/y" });
    expect(parse("/abs/dir")).toEqual({ dir: "/abs/dir", label: "x/y" });
    expect(parse("s3://bucket/prefix")).toEqual({ dir: "s3://bucket/prefix", label: "x/y" });
    expect(parseComponentConfig(paths, { dir: "rel" })).toEqual({ dir: "rel" });
  });
});
