import { describe, expect, it, beforeEach, afterEach } from "@jest/globals";
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { rejectionOf } from "@zen/test-utils";
import { LocalSecretsManager } from "../src/secrets/local-secrets-manager.ts";

const SOURCE = fileURLToPath(new URL("../src/secrets/local-secrets-manager.ts", import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));

let configDir: string;

beforeEach(() => {
  configDir = mkdtempSync(join(tmpdir(), "zen-secrets-"));
});
afterEach(() => {
  rmSync(configDir, { recursive: true, force: true });
});

function manager(options: { id?: string; name?: string; path?: string } = {}): LocalSecretsManager {
  return new LocalSecretsManager({
    id: options.id ?? "6f1c2d3e-0000-4000-8000-000000000001",
    name: options.name ?? "local_secrets",
    flavor: "local",
    config: options.path === undefined ? {} : { path: options.path },
    configDir,
  });
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe("LocalSecretsManager", () => {
  it("merges keys into a secret atomically: parallel merges of different keys all land", async () => {
    await manager().registerSecret({ name: "db", values: { user: "admin" } });
    await Promise.all(Array.from({ length: 8 }, (_, i) => manager().mergeSecret({ name: "db", values: { [`k${i}`]: `v${i}` } })));
    const expected = { user: "admin", ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, `v${i}`])) };
    expect((await manager().getSecret("db")).values).toEqual(expected);
    const missing = await rejectionOf(manager().mergeSecret({ name: "nope", values: { a: "1" } }));
    expect(missing.message).toBe("Secret 'nope' does not exist in secrets manager 'local_secrets'.");
  });

  it("registers, gets, lists, updates and deletes secrets, persisted across instances", async () => {
    const first = manager();
    expect(await first.listSecretNames()).toEqual([]);
    await first.registerSecret({ name: "db", values: { user: "admin", password: "hunter2=with=equals" } });
    await first.registerSecret({ name: "aws.prod", values: { access_key: "AKIA123" } });

    const second = manager();
    expect(await second.listSecretNames()).toEqual(["aws.prod", "db"]);
    expect(await second.getSecret("db")).toEqual({ name: "db", values: { user: "admin", password: "hunter2=with=equals" } });

    await second.updateSecret({ name: "db", values: { password: "new-password" } });
    expect((await first.getSecret("db")).values).toEqual({ password: "new-password" });

    await first.deleteSecret("db");
    expect(await second.listSecretNames()).toEqual(["aws.prod"]);
  });

  it("returns copies, so callers can't change stored secrets by mutating results", async () => {
    const m = manager();
    const values = { token: "abc" };
    await m.registerSecret({ name: "api", values });
    values.token = "changed";
    const got = await m.getSecret("api");
    got.values.token = "mutated";
    expect((await m.getSecret("api")).values).toEqual({ token: "abc" });
  });

  it("round-trips names that collide with Object.prototype", async () => {
    const m = manager();
    const values = Object.fromEntries([
      ["__proto__", "p"],
      ["constructor", "c"],
    ]) as Record<string, string>;
    await m.registerSecret({ name: "__proto__", values });
    await m.registerSecret({ name: "toString", values: { k: "v" } });
    expect(await manager().listSecretNames()).toEqual(["__proto__", "toString"]);
    const got = await manager().getSecret("__proto__");
    expect(Object.keys(got.values).sort()).toEqual(["__proto__", "constructor"]);
    expect(Object.getOwnPropertyDescriptor(got.values, "__proto__")?.value).toBe("p");
    await expect(m.getSecret("hasOwnProperty")).rejects.toMatchObject({ code: "ZEN_NOT_FOUND" });
  });

  it("keeps nothing in clear on disk: only format_version, iv, tag and ciphertext", async () => {
    const m = manager();
    await m.registerSecret({ name: "very_private_name", values: { secret_key_name: "plaintext-value-42" } });
    const text = readFileSync(m.secretsFilePath, "utf8");
    for (const needle of ["very_private_name", "secret_key_name", "plaintext-value-42"]) {
      expect(text).not.toContain(needle);
      expect(text).not.toContain(Buffer.from(needle).toString("base64"));
    }
    const envelope = JSON.parse(text);
    expect(Object.keys(envelope).sort()).toEqual(["ciphertext", "format_version", "iv", "tag"]);
    expect(envelope.format_version).toBe(1);
    expect(m.secretsFilePath).toBe(join(configDir, "secrets", `${m.id}.json`));
  });

  it("uses a fresh IV for every write", async () => {
    const m = manager();
    await m.registerSecret({ name: "a", values: { k: "v" } });
    const first = JSON.parse(readFileSync(m.secretsFilePath, "utf8"));
    await m.updateSecret({ name: "a", values: { k: "v" } });
    const second = JSON.parse(readFileSync(m.secretsFilePath, "utf8"));
    expect(second.iv).not.toBe(first.iv);
    expect(second.ciphertext).not.toBe(first.ciphertext);
  });

  it("creates a 32-byte key file with mode 0600 and private files, and reuses the key", async () => {
    const m = manager();
    await m.registerSecret({ name: "a", values: { k: "v" } });
    expect(m.keyFilePath).toBe(join(configDir, "secrets.key"));
    const key = readFileSync(m.keyFilePath);
    expect(key.length).toBe(32);
    expect(mode(m.keyFilePath)).toBe(0o600);
    expect(mode(m.secretsFilePath)).toBe(0o600);
    expect(mode(m.secretsDirectory)).toBe(0o700);

    await m.registerSecret({ name: "b", values: { k: "v" } });
    await manager({ id: randomUUID() }).registerSecret({ name: "c", values: { k: "v" } });
    expect(readFileSync(m.keyFilePath).equals(key)).toBe(true);
  });

  it("creates no key file and no secrets file when only reading", async () => {
    const m = manager();
    expect(await m.listSecretNames()).toEqual([]);
    await expect(m.getSecret("nope")).rejects.toMatchObject({ code: "ZEN_NOT_FOUND" });
    expect(existsSync(m.keyFilePath)).toBe(false);
    expect(existsSync(m.secretsFilePath)).toBe(false);
  });

  it("leaves no temp or lock files behind", async () => {
    const m = manager();
    for (let i = 0; i < 5; i++) await m.registerSecret({ name: `s${i}`, values: { k: `v${i}` } });
    expect(readdirSync(m.secretsDirectory)).toEqual([`${m.id}.json`]);
    expect(readdirSync(configDir).sort()).toEqual(["secrets", "secrets.key"]);
  });

  it("refuses a key file other users can read, and names the chmod fix", async () => {
    const m = manager();
    await m.registerSecret({ name: "a", values: { k: "v" } });
    for (const loose of [0o640, 0o604, 0o660]) {
      chmodSync(m.keyFilePath, loose);
      const error = await rejectionOf(m.getSecret("a"));
      expect(error.name).toBe("ZenError");
      expect(error.code).toBe("ZEN_SECRETS_KEY_PERMISSIONS");
      expect(error.message).toContain(m.keyFilePath);
      expect(error.hint).toContain(`chmod 600 ${m.keyFilePath}`);
      await expect(m.registerSecret({ name: "b", values: { k: "v" } })).rejects.toMatchObject({ code: "ZEN_SECRETS_KEY_PERMISSIONS" });
    }
    chmodSync(m.keyFilePath, 0o600);
    expect(await m.listSecretNames()).toEqual(["a"]);
  });

  it("detects a tampered file, refuses to write over it and leaves it untouched", async () => {
    const m = manager();
    await m.registerSecret({ name: "a", values: { k: "value" } });
    const envelope = JSON.parse(readFileSync(m.secretsFilePath, "utf8"));
    const ciphertext = Buffer.from(envelope.ciphertext, "base64");
    ciphertext[0] = ciphertext[0]! ^ 0x01;
    envelope.ciphertext = ciphertext.toString("base64");
    const tampered = JSON.stringify(envelope);
    writeFileSync(m.secretsFilePath, tampered);

    const error = await rejectionOf(m.getSecret("a"));
    expect(error.code).toBe("ZEN_SECRETS_UNDECRYPTABLE");
    expect(error.message).toBe(`The secrets file ${m.secretsFilePath} can't be decrypted with the key file ${m.keyFilePath}.`);
    expect(error.hint).toMatch(/backup/);
    await expect(m.registerSecret({ name: "b", values: { k: "v" } })).rejects.toMatchObject({ code: "ZEN_SECRETS_UNDECRYPTABLE" });
    await expect(m.deleteSecret("a")).rejects.toMatchObject({ code: "ZEN_SECRETS_UNDECRYPTABLE" });
    expect(readFileSync(m.secretsFilePath, "utf8")).toBe(tampered);
  });

  it("detects a tampered tag, IV or format version", async () => {
    const m = manager();
    await m.registerSecret({ name: "a", values: { k: "value" } });
    const original = readFileSync(m.secretsFilePath, "utf8");
    const edits: Array<(e: Record<string, unknown>) => void> = [
      (e) => (e.tag = randomBytes(16).toString("base64")),
      (e) => (e.iv = randomBytes(12).toString("base64")),
      (e) => (e.iv = randomBytes(4).toString("base64")),
      (e) => (e.format_version = 0),
    ];
    for (const edit of edits) {
      const envelope = JSON.parse(original);
      edit(envelope);
      writeFileSync(m.secretsFilePath, JSON.stringify(envelope));
      await expect(m.listSecretNames()).rejects.toMatchObject({ code: "ZEN_SECRETS_UNDECRYPTABLE" });
    }
  });

  it("detects another component's secrets file swapped in", async () => {
    const a = manager({ id: randomUUID() });
    const b = manager({ id: randomUUID() });
    await a.registerSecret({ name: "a", values: { k: "value" } });
    await b.registerSecret({ name: "b", values: { k: "value" } });
    writeFileSync(b.secretsFilePath, readFileSync(a.secretsFilePath));
    await expect(b.listSecretNames()).rejects.toMatchObject({ code: "ZEN_SECRETS_UNDECRYPTABLE" });
  });

  it("fails clearly with the wrong key and never replaces the key", async () => {
    const m = manager();
    await m.registerSecret({ name: "a", values: { k: "value" } });
    const otherKey = randomBytes(32);
    writeFileSync(m.keyFilePath, otherKey, { mode: 0o600 });
    const error = await rejectionOf(m.listSecretNames());
    expect(error.code).toBe("ZEN_SECRETS_UNDECRYPTABLE");
    expect(error.message).toContain("can't be decrypted with the key file");
    await expect(m.registerSecret({ name: "b", values: { k: "v" } })).rejects.toMatchObject({ code: "ZEN_SECRETS_UNDECRYPTABLE" });
    expect(readFileSync(m.keyFilePath).equals(otherKey)).toBe(true);
  });

  it("refuses to create a new key next to existing secrets when the key file is missing", async () => {
    const m = manager();
    await m.registerSecret({ name: "a", values: { k: "value" } });
    const before = readFileSync(m.secretsFilePath, "utf8");
    rmSync(m.keyFilePath);
    const error = await rejectionOf(m.registerSecret({ name: "b", values: { k: "v" } }));
    expect(error.code).toBe("ZEN_SECRETS_KEY_MISSING");
    expect(error.hint).toContain(m.keyFilePath);
    expect(existsSync(m.keyFilePath)).toBe(false);
    expect(readFileSync(m.secretsFilePath, "utf8")).toBe(before);
  });

  it("reports a damaged key file or secrets file and a newer format version", async () => {
    const m = manager();
    await m.registerSecret({ name: "a", values: { k: "value" } });
    const good = readFileSync(m.secretsFilePath, "utf8");

    writeFileSync(m.secretsFilePath, "{ not json");
    await expect(m.listSecretNames()).rejects.toMatchObject({ code: "ZEN_SECRETS_FILE_DAMAGED" });
    writeFileSync(m.secretsFilePath, JSON.stringify({ format_version: 1, iv: "x" }));
    await expect(m.listSecretNames()).rejects.toMatchObject({ code: "ZEN_SECRETS_FILE_DAMAGED" });
    writeFileSync(m.secretsFilePath, JSON.stringify({ ...JSON.parse(good), format_version: 2 }));
    const newer = await rejectionOf(m.listSecretNames());
    expect(newer.code).toBe("ZEN_SECRETS_FILE_VERSION");
    expect(newer.hint).toMatch(/Upgrade zen/);

    writeFileSync(m.secretsFilePath, good);
    writeFileSync(m.keyFilePath, randomBytes(16), { mode: 0o600 });
    await expect(m.listSecretNames()).rejects.toMatchObject({ code: "ZEN_SECRETS_KEY" });
  });

  it("refuses a duplicate with a hint to update, and names known secrets when one is missing", async () => {
    const m = manager();
    await m.registerSecret({ name: "db", values: { password: "p" } });
    await m.registerSecret({ name: "api", values: { token: "t" } });

    const conflict = await rejectionOf(m.registerSecret({ name: "db", values: { password: "other" } }));
    expect(conflict.name).toBe("ConflictError");
    expect(conflict.message).toBe("Secret 'db' already exists in secrets manager 'local_secrets'.");
    expect(conflict.hint).toContain("zen secret update db");
    expect((await m.getSecret("db")).values).toEqual({ password: "p" });

    for (const attempt of [m.getSecret("nope"), m.updateSecret({ name: "nope", values: { k: "v" } }), m.deleteSecret("nope")]) {
      const error = await rejectionOf(attempt);
      expect(error.name).toBe("NotFoundError");
      expect(error.message).toBe("Secret 'nope' does not exist in secrets manager 'local_secrets'.");
      expect(error.hint).toContain("Known secrets: api, db.");
    }
    const empty = manager({ id: randomUUID() });
    expect((await rejectionOf(empty.getSecret("nope"))).hint).toContain("no secrets yet");
  });

  it("rejects invalid names, keys and values without echoing values", async () => {
    const m = manager();
    const invalid: Array<[string, Record<string, unknown>]> = [
      ["", { k: "v" }],
      ["has space", { k: "v" }],
      ["-leading-dash", { k: "v" }],
      ["trailing.", { k: "v" }],
      ["x".repeat(129), { k: "v" }],
      ["ok", {}],
      ["ok", { "bad.key": "v" }],
      ["ok", { "bad key": "v" }],
      ["ok", { k: 42 }],
    ];
    for (const [name, values] of invalid) {
      const error = await rejectionOf(m.registerSecret({ name, values: values as Record<string, string> }));
      expect(error.name).toBe("ValidationError");
      expect(error.hint).toBeTruthy();
      expect(error.message).not.toContain("42");
    }
    await expect(m.getSecret("bad name")).rejects.toMatchObject({ name: "ValidationError" });
    expect(existsSync(m.secretsFilePath)).toBe(false);
  });

  it("honours config.path, relative to the config directory", async () => {
    const m = manager({ path: "elsewhere/vault" });
    await m.registerSecret({ name: "a", values: { k: "v" } });
    expect(m.secretsFilePath).toBe(join(configDir, "elsewhere", "vault", `${m.id}.json`));
    expect(existsSync(m.secretsFilePath)).toBe(true);
    const absolute = join(configDir, "abs");
    expect(manager({ path: absolute }).secretsDirectory).toBe(absolute);
  });

  it("keeps every update when writers in one process race", async () => {
    const writers = Array.from({ length: 10 }, () => manager());
    await Promise.all(writers.map((w, i) => w.registerSecret({ name: `s${i}`, values: { k: `v${i}` } })));
    expect(await manager().listSecretNames()).toHaveLength(10);
  });

  it("keeps every update when 10 processes register secrets at once, starting with no key", async () => {
    const script = join(configDir, "register-one.mts");
    writeFileSync(
      script,
      `import { existsSync } from "node:fs";
import { join } from "node:path";
import { LocalSecretsManager } from ${JSON.stringify(SOURCE)};
const [configDir, id, index] = process.argv.slice(2);
const manager = new LocalSecretsManager({ id, name: "shared", flavor: "local", config: {}, configDir });
// Start line: every process is loaded before any writes, so they really race (key creation included).
process.stdout.write("ready\\n");
while (!existsSync(join(configDir, "go"))) await new Promise((resolve) => setTimeout(resolve, 5));
await manager.registerSecret({ name: "secret_" + index, values: { value: "value-" + index } });
`,
    );
    const id = randomUUID();
    const ready: Array<Promise<void>> = [];
    const runs = Array.from(
      { length: 10 },
      (_, index) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, ["--conditions=zen-source", "--import", "tsx", script, configDir, id, String(index)], {
            cwd: PACKAGE_ROOT,
            env: { ...process.env, NODE_OPTIONS: "" },
          });
          ready.push(new Promise((isReady) => child.stdout.once("data", () => isReady())));
          let stderr = "";
          child.stderr.on("data", (chunk) => (stderr += chunk));
          child.on("close", (code) => resolve({ code, stderr }));
        }),
    );
    await Promise.race([Promise.all(ready), Promise.all(runs)]);
    writeFileSync(join(configDir, "go"), "");
    const results = await Promise.all(runs);
    for (const result of results) expect(result).toEqual({ code: 0, stderr: "" });

    const m = manager({ id });
    const names = await m.listSecretNames();
    expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `secret_${i}`).sort());
    for (let i = 0; i < 10; i++) expect((await m.getSecret(`secret_${i}`)).values).toEqual({ value: `value-${i}` });
    expect(mode(m.keyFilePath)).toBe(0o600);
    expect(readdirSync(m.secretsDirectory)).toEqual([`${id}.json`]);
    expect(readdirSync(configDir).sort()).toEqual(["go", "register-one.mts", "secrets", "secrets.key"]);
  });
});
