// Hostile `--key=value` words through the real `zen`: Object.prototype's names as keys, `@file` values
// that never end or never arrive, and abbreviated options. Each is refused (or accepted) with one clear
// sentence and leaves the configuration as it was.
import { beforeAll, describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { sandbox, type Sandbox } from "./run-zen.ts";
import { PROTOTYPE_KEYS } from "./prototype-keys.ts";

describe("hostile options", () => {
  let s: Sandbox;
  beforeAll(() => {
    s = sandbox();
    expect(s.zen(["secrets-manager", "register", "vault", "--flavor", "local"]).status).toBe(0);
    expect(s.zen(["stack", "update", "default", "-x", "vault"]).status).toBe(0);
    expect(s.zen(["artifact-store", "register", "store", "--flavor", "local", `--path=${join(s.cwd, "artifacts")}`]).status).toBe(0);
  });

  it("takes Object.prototype's names as config keys, which the flavor refuses as unknown with the valid keys", () => {
    const before = s.snapshot();
    for (const key of PROTOTYPE_KEYS) {
      for (const args of [
        ["artifact-store", "register", "x", "--flavor", "local", "--path=/tmp/x", `--${key}=1`],
        ["artifact-store", "update", "store", `--${key}`, "1"],
      ]) {
        const result = s.zen(args);
        expect({ args, status: result.status, stderr: result.stderr }).toEqual({
          args,
          status: 1,
          stderr: expect.stringContaining(`Error: Unknown config key '${key}' for the artifact store flavor 'local'.\nHint: Valid keys: path`),
        });
      }
    }
    expect(s.snapshot()).toBe(before);
  });

  it("takes Object.prototype's names as secret keys, on register and update", () => {
    const keys = PROTOTYPE_KEYS.map((key) => `--${key}=value-of-${key}`);
    const registered = s.zen(["secret", "register", "proto", ...keys]);
    expect(registered).toMatchObject({ status: 0, stdout: expect.stringContaining(`with keys: ${PROTOTYPE_KEYS.join(", ")}.`) });
    const updated = s.zen(["secret", "update", "proto", "--constructor=new", "--__proto__=new", "--extra=1"]);
    expect(updated).toMatchObject({ status: 0 });
    const doc = JSON.parse(s.zen(["secret", "get", "proto", "--output", "json"]).stdout);
    expect([...doc.item.keys].sort()).toEqual([...PROTOTYPE_KEYS, "extra"].sort());
    expect(JSON.stringify(doc)).not.toContain("value-of-");
  });

  it("reads `@file` values only from regular files of at most 1 MiB, without waiting or filling memory", () => {
    execFileSync("mkfifo", [join(s.cwd, "fifo")]);
    execFileSync("truncate", ["-s", "300M", join(s.cwd, "huge.bin")]);
    const before = s.snapshot();
    const cases: [string, string][] = [
      ["/dev/zero", "it is a device, not a regular file"],
      ["fifo", "it is a FIFO (named pipe), not a regular file"],
      [s.cwd, "it is a directory, not a regular file"],
      ["huge.bin", "it is 314572800 bytes, over the limit of 1 MiB"],
      ["missing.txt", "no such file"],
    ];
    for (const [file, problem] of cases) {
      for (const args of [
        ["secret", "register", "from-file", `--token=@${file}`],
        ["artifact-store", "register", "from-file", "--flavor", "local", `--path=@${file}`],
      ]) {
        const started = Date.now();
        const result = s.zen(args);
        expect({ args, status: result.status, stderr: result.stderr }).toEqual({
          args,
          status: 2,
          stderr: expect.stringContaining(`from '${file}': ${problem}.`),
        });
        expect(Date.now() - started).toBeLessThan(5000);
      }
    }
    expect(s.snapshot()).toBe(before);
  });

  it("does not read `--q=1` as `--quiet`", () => {
    const result = s.zen(["stack", "list", "--q=1"]);
    expect(result).toMatchObject({ status: 2, stdout: "" });
    expect(result.stderr).toContain("Error: Unknown option '--q' for 'zen stack list'.\nHint: Did you mean -q (--quiet)?");
    expect(s.zen(["stack", "list", "--qui"]).stderr).toContain("Unknown option '--qui'");
    expect(s.zen(["stack", "list", "-q"]).status).toBe(0);
  });
});
