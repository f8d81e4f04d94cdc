/**
 * Operating a shared profile through the `zen` binary, beyond everyday use: `zen profile migrate`
 * (what it did, once when two run together, a newer schema refused as opening refuses it), the
 * password prompt on a real terminal (no echo, nothing stored; none without a terminal), and two
 * teammates updating the same key of a component at once (one wins, the other gets a conflict).
 *
 * It registers Jest tests (`@jest/globals`), so call it at the top level of a test file.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ok, type Run, teammateCli } from "./shared-profile-cli.ts";
import type { SqlClient } from "../sql-stores/sql-client.ts";

export interface SharedProfileOperationsFixture {
  /** The built CLI's entry (`packages/cli/bin/zen.cjs`). */
  zenBin: string;
  /** A project whose dependencies include the driver package. */
  project: string;
  /** A fresh database's URL, without the password. */
  url: string;
  password: string;
  /** A client on that database (the kit closes it), to change the schema behind zen's back and to hold the store's lock row. */
  client: SqlClient;
  /** How many transactions wait for a row lock on that database right now. */
  lockWaiters(client: SqlClient): Promise<number>;
  cleanup?: () => Promise<void>;
}

/** Runs `node args…` on a new pseudo-terminal (Python's pty module), types `answer` at the first `prompt`, and returns all it printed. */
const PTY_RUNNER = `
import os, pty, sys, select, time
prompt, answer, args = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
out, typed, deadline = b"", False, time.time() + 120
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if not typed and prompt in out:
        time.sleep(0.2)
        os.write(fd, answer + b"\\r")
        typed = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
`;

export function describeSharedProfileOperations(name: string, makeFixture: () => Promise<SharedProfileOperationsFixture>): void {
  const timeout = 300_000;

  describe(`operating a shared profile through the CLI: ${name}`, () => {
    let f: SharedProfileOperationsFixture;
    let config: string;
    const cli = teammateCli(() => f);
    const envOf = (extra: Record<string, string> = {}) => cli.env(config, extra);
    const zen = (args: string[], extra: Record<string, string> = {}): Run => cli.zen(config, args, f.project, extra);
    const zenAsync = (args: string[]): Promise<Run> => cli.zenAsync(config, args);

    beforeAll(async () => {
      f = await makeFixture();
      config = mkdtempSync(join(tmpdir(), "zen-team-ops-"));
      ok(zen(["profile", "create", "team", "--url", f.url]));
      ok(zen(["profile", "set", "team"]));
    }, timeout);

    afterAll(async () => {
      if (config) rmSync(config, { recursive: true, force: true });
      await f?.client.close();
      await f?.cleanup?.();
    });

    it(
      "loads the light driver entry for `zen stack list`, and no zod, metadata store or discovery scan",
      () => {
        // Module loader hooks (Node 20.6+) record every ES module the command loads.
        const log = join(config, "loaded.txt");
        const hooks = join(config, "hooks.mjs");
        writeFileSync(
          hooks,
          [
            'import { appendFileSync } from "node:fs";',
            `export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + "\\n"); return next(url, context); }`,
          ].join("\n"),
        );
        const register = join(config, "register.mjs");
        writeFileSync(register, `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
        const r = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, f.zenBin, "stack", "list"], {
          cwd: f.project,
          env: envOf(),
          encoding: "utf8",
        });
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "Running with active profile: 'team' (global)\n" });
        const loaded = readFileSync(log, "utf8").split("\n").filter(Boolean);
        expect(loaded.some((url) => url.endsWith("/sql-stores/driver-api.js") || url.endsWith("/sql-stores/driver-api.ts"))).toBe(true);
        expect(loaded.filter((url) => /\/zod\/|\/sql-stores\/index\.[jt]s$|isolated-scan|metadata-store/.test(url))).toEqual([]);
      },
      timeout,
    );

    it(
      "says the store is current, migrates a store without zen's tables once when two migrate at once, and refuses a newer schema",
      async () => {
        const current = ok(zen(["profile", "migrate", "team"]));
        expect(current.stdout).toContain(`The stack store of profile 'team' (${f.url}) is already at schema version 1.`);
        expect(current.stdout + current.stderr).not.toContain(f.password);

        // As a database a zen without the stack store (or before its first use) would have left.
        for (const table of ["zen_stack_components", "zen_stacks", "zen_components", "zen_custom_flavors", "zen_store_lock"]) {
          await f.client.execute(`DROP TABLE ${table}`);
        }
        await f.client.execute("DELETE FROM zen_schema_versions WHERE store = 'stacks'");
        const both = await Promise.all([
          zenAsync(["profile", "migrate", "team", "--output", "json"]),
          zenAsync(["profile", "migrate", "team", "--output", "json"]),
        ]);
        const items = both.map((r) => JSON.parse(ok(r).stdout).item as { from_version: number; to_version: number; migrated: boolean });
        expect(items.map((i) => i.to_version)).toEqual([1, 1]);
        expect(items.filter((i) => i.migrated)).toEqual([{ ...items.find((i) => i.migrated), from_version: 0 }]);
        expect(items.filter((i) => !i.migrated)).toHaveLength(1);
        const tables = await f.client.query("SELECT COUNT(*) AS n FROM zen_store_lock");
        expect(Number(tables[0]!.n)).toBe(1);
        ok(zen(["artifact-store", "register", "after_migration", "--flavor", "local", "--path", "/tmp/zen-after-migration"]));
        expect(ok(zen(["artifact-store", "list"])).stdout).toContain("after_migration");

        await f.client.execute("UPDATE zen_schema_versions SET version = 99 WHERE store = 'stacks'");
        try {
          for (const args of [
            ["profile", "migrate", "team"],
            ["stack", "list"],
          ]) {
            const refused = zen(args);
            expect(refused.status).toBe(1);
            expect(refused.stderr).toContain("schema version 99");
            expect(refused.stderr).toMatch(/upgrade zen/i);
          }
          // Untouched.
          const rows = await f.client.query("SELECT version FROM zen_schema_versions WHERE store = 'stacks'");
          expect(Number(rows[0]!.version)).toBe(99);
        } finally {
          await f.client.execute("UPDATE zen_schema_versions SET version = 1 WHERE store = 'stacks'");
        }
      },
      timeout,
    );

    it(
      "asks for the password on a terminal without echoing it or storing it, and never without one",
      () => {
        const prompt = "Password for ";
        const r = spawnSync("python3", ["-c", PTY_RUNNER, prompt, f.password, process.execPath, f.zenBin, "artifact-store", "list"], {
          cwd: f.project,
          env: envOf({ ZEN_STORE_PASSWORD: "" }),
          encoding: "utf8",
        });
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
        expect(r.stdout).toContain(prompt);
        expect(r.stdout).toContain("after_migration");
        expect(r.stdout).not.toContain(f.password);
        expect(readFileSync(join(config, "config.yaml"), "utf8")).not.toContain(f.password);

        // A wrong answer: the server's refusal, the typed text not shown.
        const wrong = "not-the-password-Zq9";
        const refused = spawnSync("python3", ["-c", PTY_RUNNER, prompt, wrong, process.execPath, f.zenBin, "stack", "list"], {
          cwd: f.project,
          env: envOf({ ZEN_STORE_PASSWORD: "" }),
          encoding: "utf8",
        });
        expect(refused.status).toBe(1);
        expect(refused.stdout).toMatch(/refused the credentials/);
        expect(refused.stdout).not.toContain(wrong);

        // No terminal (a script, CI): no prompt, the server's refusal at once.
        const started = Date.now();
        const piped = zen(["stack", "list"], { ZEN_STORE_PASSWORD: "" });
        expect(piped.status).toBe(1);
        expect(piped.stderr).toMatch(/refused the credentials/);
        expect(piped.stderr + piped.stdout).not.toContain(prompt);
        expect(Date.now() - started).toBeLessThan(15_000);
      },
      timeout,
    );

    it(
      "reports a server that does not answer within the connect timeout, or is down, in one sentence, and records no profile",
      async () => {
        // Accepts TCP connections (the kernel does, even while this process waits) and never answers.
        const silent = createServer(() => undefined);
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        const port = (silent.address() as { port: number }).port;
        try {
          const at = (p: number, query = "") => f.url.replace(/@[^/]+\//, `@127.0.0.1:${p}/`).replace(/\?.*$/, "") + query;
          const started = Date.now();
          const slow = zen(["profile", "create", "slow", "--url", at(port, "?connect_timeout_ms=1500")]);
          expect(slow.status).toBe(1);
          expect(slow.stderr).toMatch(/did not answer within the connect timeout/);
          expect(Date.now() - started).toBeLessThan(1500 + 10_000);
          silent.close();
          await new Promise((resolve) => setTimeout(resolve, 100));
          const down = zen(["profile", "create", "down", "--url", at(port)]);
          expect(down.status).toBe(1);
          expect(down.stderr).toMatch(/is not reachable/);
          for (const r of [slow, down]) {
            expect(
              r.stderr
                .trim()
                .split("\n")
                .filter((line) => line.startsWith("Error:")),
            ).toHaveLength(1);
            expect(r.stderr + r.stdout).not.toContain(f.password);
          }
          const listed = ok(zen(["profile", "list"])).stdout;
          expect(listed).not.toMatch(/\bslow\b|\bdown\b/);
        } finally {
          silent.close();
        }
      },
      timeout,
    );

    it(
      "refuses the second of two teammates updating the same key at once, keeping the first one's value",
      async () => {
        ok(zen(["artifact-store", "register", "contested", "--flavor", "local", "--path", "/tmp/zen-contested/start"]));
        // Hold the store's lock row, so both updates read the component, then queue for the lock.
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const holding = new Promise<void>((resolve) => (locked = resolve));
        const holder = f.client.transaction(async (tx) => {
          await tx.query("SELECT id FROM zen_store_lock WHERE id = 1 FOR UPDATE");
          locked();
          await released;
        });
        await holding;
        const updates = [
          zenAsync(["artifact-store", "update", "contested", "--path=/tmp/zen-contested/from-a"]),
          zenAsync(["artifact-store", "update", "contested", "--path=/tmp/zen-contested/from-b"]),
        ];
        const waitUntil = Date.now() + 120_000;
        while ((await f.lockWaiters(f.client)) < 2 && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 100));
        release();
        await holder;
        const results = await Promise.all(updates);
        const won = results.filter((r) => r.status === 0);
        const lost = results.filter((r) => r.status !== 0);
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]!.stderr).toMatch(/changed meanwhile by another update of 'path'; nothing was changed/);
        const winner = results[0]!.status === 0 ? "from-a" : "from-b";
        const shown = JSON.parse(ok(zen(["artifact-store", "describe", "contested", "--output", "json"])).stdout);
        expect(JSON.stringify(shown)).toContain(`/tmp/zen-contested/${winner}`);
      },
      timeout,
    );
  });
}
