import { describe, expect, it, beforeEach, afterEach } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalSecretsManager } from "../src/secrets/local-secrets-manager.ts";
import { isSecretReference, parseSecretReference, resolveSecretReferences } from "../src/secrets/references.ts";

let configDir: string;
let manager: LocalSecretsManager;

beforeEach(async () => {
  configDir = mkdtempSync(join(tmpdir(), "zen-secret-refs-"));
  manager = new LocalSecretsManager({ id: "a7f0c1de-0000-4000-8000-00000000000a", name: "vault", flavor: "local", config: {}, configDir });
  await manager.registerSecret({ name: "mysql", values: { user: "root", password: "s3cr3t-pa$$" } });
  await manager.registerSecret({ name: "aws.prod", values: { access_key: "AKIAEXAMPLE", secret_key: "wJalrXUtnFEMI" } });
});
afterEach(() => {
  rmSync(configDir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; hint?: string };
  }
  throw new Error("expected a rejection");
}

const VALUES = ["root", "s3cr3t-pa$$", "AKIAEXAMPLE", "wJalrXUtnFEMI"];
function expectNoValues(error: Error & { hint?: string }): void {
  for (const value of VALUES) {
    expect(error.message).not.toContain(value);
    expect(error.hint ?? "").not.toContain(value);
  }
}

describe("parseSecretReference", () => {
  it("parses {{name.key}}, allowing dots in the name and spaces inside the braces", () => {
    expect(parseSecretReference("{{mysql.password}}")).toEqual({ secret: "mysql", key: "password" });
    expect(parseSecretReference("{{ mysql.password }}")).toEqual({ secret: "mysql", key: "password" });
    expect(parseSecretReference("{{aws.prod.secret_key}}")).toEqual({ secret: "aws.prod", key: "secret_key" });
    expect(parseSecretReference("{{my-secret.my-key}}")).toEqual({ secret: "my-secret", key: "my-key" });
  });

  it("rejects anything that is not exactly one reference", () => {
    for (const value of [
      "mysql.password",
      "{{mysql}}",
      "{mysql.password}",
      "x{{mysql.password}}",
      "{{mysql.password}} ",
      "{{a b.c}}",
      "{{.key}}",
      "{{name.}}",
      "",
    ]) {
      expect(parseSecretReference(value)).toBeUndefined();
      expect(isSecretReference(value)).toBe(false);
    }
    expect(isSecretReference(42)).toBe(false);
    expect(isSecretReference("{{mysql.password}}")).toBe(true);
  });
});

describe("resolveSecretReferences", () => {
  it("replaces references in secret fields with values and returns a copy", async () => {
    const config = {
      host: "db.local",
      username: "{{mysql.user}}",
      password: "{{ mysql.password }}",
      key: "{{aws.prod.access_key}}",
      note: "{{mysql.password}}",
    };
    const resolved = await resolveSecretReferences(config, ["username", "password", "key", "missing_field"], manager, "metadata store 'mysql_store'");
    expect(resolved).toEqual({
      host: "db.local",
      username: "root",
      password: "s3cr3t-pa$$",
      key: "AKIAEXAMPLE",
      // Not a secret field: left alone even though it looks like a reference.
      note: "{{mysql.password}}",
    });
    expect(config.password).toBe("{{ mysql.password }}");
    expect(resolved).not.toBe(config);
  });

  it("needs no secrets manager when no secret field holds a reference", async () => {
    const config = { path: "/tmp/x", token: undefined };
    expect(await resolveSecretReferences(config, ["token"], undefined, "artifact store 'local'")).toEqual(config);
  });

  it("names the component, field and fix when the stack has no secrets manager", async () => {
    const error = await caught(resolveSecretReferences({ password: "{{mysql.password}}" }, ["password"], undefined, "metadata store 'mysql_store'"));
    expect(error.name).toBe("ZenError");
    expect(error.code).toBe("ZEN_NO_SECRETS_MANAGER");
    expect(error.message).toBe("Field 'password' of metadata store 'mysql_store' refers to secret 'mysql', but the stack has no secrets manager.");
    expect(error.hint).toContain("zen secrets-manager register");
    expect(error.hint).toContain("-x");
  });

  it("names the component, field, secret and known secrets when the secret is unknown", async () => {
    const error = await caught(resolveSecretReferences({ password: "{{postgres.password}}" }, ["password"], manager, "metadata store 'mysql_store'"));
    expect(error.name).toBe("NotFoundError");
    expect(error.message).toBe(
      "Field 'password' of metadata store 'mysql_store' refers to secret 'postgres', which does not exist in secrets manager 'vault'.",
    );
    expect(error.hint).toContain("zen secret register postgres --password=...");
    expect(error.hint).toContain("aws.prod, mysql");
    expectNoValues(error);
  });

  it("names the key and lists the secret's keys (not values) when the key is unknown", async () => {
    const error = await caught(resolveSecretReferences({ password: "{{mysql.pass}}" }, ["password"], manager, "metadata store 'mysql_store'"));
    expect(error.name).toBe("NotFoundError");
    expect(error.message).toBe("Field 'password' of metadata store 'mysql_store' refers to key 'pass' of secret 'mysql', which has no such key.");
    expect(error.hint).toContain("password, user");
    expect(error.hint).toContain("zen secret update mysql --pass=...");
    expectNoValues(error);
  });

  it("does not treat inherited object properties as keys", async () => {
    const error = await caught(resolveSecretReferences({ password: "{{mysql.constructor}}" }, ["password"], manager, "metadata store 'm'"));
    expect(error.name).toBe("NotFoundError");
  });

  it("passes the secrets manager's own failures through (e.g. an undecryptable file)", async () => {
    rmSync(manager.keyFilePath);
    const error = await caught(resolveSecretReferences({ password: "{{mysql.password}}" }, ["password"], manager, "metadata store 'm'"));
    expect(error.code).toBe("ZEN_SECRETS_KEY_MISSING");
  });
});
