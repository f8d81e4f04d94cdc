/**
 * The conformance suite for secrets managers: register, get, list, update and delete; the errors
 * (missing secret, duplicate, invalid names, keys and values) by their codes; values never echoed
 * in an error; concurrent changes all kept; and, for persistent managers, secrets that outlive the
 * instance.
 *
 *   describeSecretsManagerConformance("vault", async () => ({ manager: new VaultSecretsManager({ … }) }));
 *
 * Secret names carry a random suffix, so the suite may run against a vault that holds other secrets.
 * It registers Jest tests (`@jest/globals`), so call it at the top level of a test file.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { BaseSecretsManager, Secret } from "../components/secrets-manager.ts";
import { expectRejection, uniqueSuffix } from "./expect-error.ts";

export interface SecretsManagerFixture {
  manager: BaseSecretsManager;
  /** A new instance over the same storage (same config and id); required with `{ persistent: true }`. */
  reopen?: () => Promise<BaseSecretsManager>;
  /** Called once after the suite. The suite deletes the secrets it registered before that. */
  cleanup?: () => Promise<void>;
}

export interface SecretsManagerConformanceOptions {
  /** Per-test timeout (default 60 s). */
  timeoutMs?: number;
  /** Secrets registered at the same time in the concurrency test (default 12). */
  concurrentWrites?: number;
  /** The manager keeps secrets beyond the instance: test that through the fixture's `reopen` (default false). */
  persistent?: boolean;
}

/** Values that must survive a round trip unchanged. */
const AWKWARD_VALUES: Record<string, string> = {
  password: "p@ss=word==with=equals",
  multiline: "line one\nline two\r\nline three",
  unicode: "ünïcødé ✓ 名前 🔑",
  quotes: `"double" 'single' \`back\` {{not.a.reference}}`,
  spaces: "  padded  ",
  empty: "",
};

/** Registers the conformance tests for the secrets manager `makeManager` returns (called once, in `beforeAll`). */
export function describeSecretsManagerConformance(
  name: string,
  makeManager: () => Promise<SecretsManagerFixture>,
  options: SecretsManagerConformanceOptions = {},
): void {
  const timeout = options.timeoutMs ?? 60_000;
  const writers = options.concurrentWrites ?? 12;

  describe(`secrets manager conformance: ${name}`, () => {
    let fixture: SecretsManagerFixture | undefined;
    let manager: BaseSecretsManager;
    const suffix = uniqueSuffix();
    const registered = new Set<string>();
    const secretName = (label: string) => `conf_${label}_${suffix}`;
    const register = async (secret: Secret) => {
      await manager.registerSecret(secret);
      registered.add(secret.name);
    };
    const mine = async () => (await manager.listSecretNames()).filter((n) => n.endsWith(`_${suffix}`));

    beforeAll(async () => {
      fixture = await makeManager();
      manager = fixture.manager;
    }, timeout);

    afterAll(async () => {
      try {
        for (const n of registered) await manager?.deleteSecret(n).catch(() => {});
      } finally {
        await fixture?.cleanup?.();
      }
    }, timeout * 2);

    it(
      "returns a registered secret's values exactly, as a copy",
      async () => {
        const n = secretName("roundtrip");
        await register({ name: n, values: { ...AWKWARD_VALUES } });
        const got = await manager.getSecret(n);
        expect(got).toEqual({ name: n, values: AWKWARD_VALUES });
        got.values.password = "changed by the caller";
        expect((await manager.getSecret(n)).values.password).toBe(AWKWARD_VALUES.password);
      },
      timeout,
    );

    it(
      "lists secret names, sorted, without values",
      async () => {
        const names = ["zeta", "alpha", "mid.dle", "with-dash"].map(secretName);
        for (const n of names) await register({ name: n, values: { key: `value of ${n}` } });
        const listed = await mine();
        for (const n of names) expect(listed).toContain(n);
        expect(listed).toEqual([...listed].sort());
        const all = await manager.listSecretNames();
        expect(all).toEqual([...all].sort());
        expect(all.every((entry) => typeof entry === "string" && !entry.includes("value of"))).toBe(true);
      },
      timeout,
    );

    it(
      "replaces a secret's values on update: keys left out are gone",
      async () => {
        const n = secretName("update");
        await register({ name: n, values: { user: "admin", password: "old-password" } });
        await manager.updateSecret({ name: n, values: { password: "new-password", token: "t0k3n" } });
        expect(await manager.getSecret(n)).toEqual({ name: n, values: { password: "new-password", token: "t0k3n" } });
      },
      timeout,
    );

    it(
      "deletes a secret: it is gone from get and list",
      async () => {
        const n = secretName("delete");
        await register({ name: n, values: { key: "gone soon" } });
        await manager.deleteSecret(n);
        registered.delete(n);
        expect(await mine()).not.toContain(n);
        await expectRejection(manager.getSecret(n), "ZEN_NOT_FOUND", { mentions: n });
      },
      timeout,
    );

    it(
      "reports a missing secret as NotFoundError on get, update and delete",
      async () => {
        const missing = secretName("missing");
        await expectRejection(manager.getSecret(missing), "ZEN_NOT_FOUND", { mentions: missing });
        await expectRejection(manager.updateSecret({ name: missing, values: { key: "value-never-stored" } }), "ZEN_NOT_FOUND", {
          mentions: missing,
          hides: "value-never-stored",
        });
        await expectRejection(manager.deleteSecret(missing), "ZEN_NOT_FOUND", { mentions: missing });
        expect(await mine()).not.toContain(missing);
      },
      timeout,
    );

    it(
      "refuses to register a secret twice and keeps the first values",
      async () => {
        const n = secretName("duplicate");
        await register({ name: n, values: { password: "first-password" } });
        await expectRejection(manager.registerSecret({ name: n, values: { password: "second-password" } }), "ZEN_CONFLICT", {
          mentions: n,
          hides: "second-password",
        });
        expect((await manager.getSecret(n)).values).toEqual({ password: "first-password" });
      },
      timeout,
    );

    it(
      "rejects invalid names, keys and values with a ValidationError that never echoes a value",
      async () => {
        const leaked = "leak-me-not-9f3a";
        for (const bad of ["", "-starts-with-dash", "has space", "has/slash", "ends.with.dot.", "{{braces}}"]) {
          await expectRejection(manager.registerSecret({ name: bad, values: { key: leaked } }), "ZEN_INVALID", { hides: leaked });
        }
        const n = secretName("invalid");
        await expectRejection(manager.registerSecret({ name: n, values: {} }), "ZEN_INVALID");
        await expectRejection(manager.registerSecret({ name: n, values: { "bad key": leaked } }), "ZEN_INVALID", { hides: leaked });
        await expectRejection(manager.registerSecret({ name: n, values: { "dotted.key": leaked } }), "ZEN_INVALID", { hides: leaked });
        await expectRejection(manager.registerSecret({ name: n, values: { port: 5432 } as unknown as Record<string, string> }), "ZEN_INVALID");
        expect(await mine()).not.toContain(n);
      },
      timeout,
    );

    it(
      `keeps all of ${writers} secrets registered at the same time, and concurrent updates`,
      async () => {
        const names = Array.from({ length: writers }, (_, i) => secretName(`concurrent${i}`));
        await Promise.all(names.map((n, i) => register({ name: n, values: { index: String(i) } })));
        const listed = await mine();
        for (const n of names) expect(listed).toContain(n);
        await Promise.all(names.map((n, i) => manager.updateSecret({ name: n, values: { index: String(i), updated: "yes" } })));
        for (const [i, n] of names.entries()) expect((await manager.getSecret(n)).values).toEqual({ index: String(i), updated: "yes" });
      },
      timeout,
    );

    if (!options.persistent) return;
    it(
      "keeps secrets across instances over the same storage",
      async () => {
        if (!fixture?.reopen) throw new Error("The fixture must provide reopen() when the suite runs with { persistent: true }.");
        const n = secretName("persist");
        await register({ name: n, values: { ...AWKWARD_VALUES } });
        const other = await fixture.reopen();
        expect(await other.getSecret(n)).toEqual({ name: n, values: AWKWARD_VALUES });
        await other.updateSecret({ name: n, values: { only: "one" } });
        expect((await manager.getSecret(n)).values).toEqual({ only: "one" });
      },
      timeout,
    );
  });
}
