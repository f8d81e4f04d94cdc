// `--dry-run`: the changing commands print the records they would add, change or remove, write
// nothing (the config directory's bytes are unchanged), and exit 0 — or 1 with the real error.
import { describe, expect, it } from "@jest/globals";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sandbox } from "./run-zen.ts";

describe("dry runs", () => {
  const s = sandbox();
  const ok = (args: string[]) => {
    const r = s.zen(["-q", ...args]);
    expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 0, stderr: "" });
    return r;
  };
  ok(["orchestrator", "register", "busy", "--flavor", "local", "--max-concurrency=3"]);
  ok(["stack", "register", "spare", "-o", "busy", "-a", "default", "-m", "default"]);
  ok(["profile", "create", "other"]);
  ok(["stack", "export", "spare", join(s.cwd, "spare.yaml")]);

  /** Runs a dry run twice (table and JSON), checks nothing was written, returns the JSON changes. */
  function dryRun(args: string[]): { action: string; kind: string; name: string; keys: Record<string, { before?: unknown; after?: unknown }> }[] {
    const before = s.snapshot(s.cwd);
    const table = s.zen(["-q", ...args, "--dry-run"]);
    expect({ status: table.status, stderr: table.stderr }).toEqual({ status: 0, stderr: "" });
    expect(table.stdout).toContain("Dry run: nothing was changed.");
    const json = s.zen(["-q", ...args, "--dry-run", "--output", "json"]);
    expect(json.status).toBe(0);
    expect(s.snapshot(s.cwd)).toBe(before);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ kind: "changes", dryRun: true });
    return doc.items;
  }

  it("component register, update, remove-attribute and delete", () => {
    expect(dryRun(["orchestrator", "register", "idle", "--flavor", "local", "--max-concurrency=2"])).toEqual([
      expect.objectContaining({ action: "add", kind: "component", name: "idle", keys: expect.objectContaining({ "config.maxConcurrency": { after: 2 } }) }),
    ]);
    expect(dryRun(["orchestrator", "update", "busy", "--max-concurrency=5"])).toEqual([
      expect.objectContaining({ action: "change", name: "busy", keys: { "config.maxConcurrency": { before: 3, after: 5 } } }),
    ]);
    expect(dryRun(["orchestrator", "remove-attribute", "busy", "--max-concurrency"])).toEqual([
      expect.objectContaining({ action: "change", name: "busy", keys: { "config.maxConcurrency": { before: 3 } } }),
    ]);
    ok(["orchestrator", "register", "unused", "--flavor", "local"]);
    expect(dryRun(["orchestrator", "delete", "unused"])).toEqual([expect.objectContaining({ action: "remove", name: "unused" })]);
  });

  it("stack register, update, copy, import and delete", () => {
    expect(dryRun(["stack", "register", "new", "-o", "busy", "-a", "default", "-m", "default"])).toEqual([
      expect.objectContaining({ action: "add", kind: "stack", name: "new", keys: expect.objectContaining({ "components.orchestrator": { after: "busy" } }) }),
    ]);
    expect(dryRun(["stack", "register", "newer", "-o", "busy", "-a", "default", "-m", "default", "--set"])).toEqual([
      expect.objectContaining({ action: "add", kind: "stack", name: "newer" }),
      expect.objectContaining({ action: "change", kind: "setting", name: "active stack", keys: { global: { before: "default", after: "newer" } } }),
    ]);
    expect(dryRun(["stack", "update", "spare", "-o", "default"])).toEqual([
      expect.objectContaining({ action: "change", kind: "stack", name: "spare", keys: { "components.orchestrator": { before: "busy", after: "default" } } }),
    ]);
    const copied = dryRun(["stack", "copy", "spare", "spare2", "--to-profile", "other"]);
    expect(copied).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "add", kind: "stack", name: "spare2", profile: "other" }),
        expect.objectContaining({ action: "add", kind: "component", name: "busy", profile: "other" }),
      ]),
    );
    expect(dryRun(["stack", "import", join(s.cwd, "spare.yaml"), "--name", "imported"])).toEqual([
      expect.objectContaining({ action: "add", kind: "stack", name: "imported" }),
    ]);
    expect(dryRun(["stack", "delete", "spare"])).toEqual([expect.objectContaining({ action: "remove", kind: "stack", name: "spare" })]);
  });

  it("profile delete lists what goes with the profile", () => {
    expect(dryRun(["profile", "delete", "other"])).toEqual([
      expect.objectContaining({ action: "remove", kind: "profile", name: "other", keys: expect.objectContaining({ stacks: { before: ["default"] } }) }),
    ]);
  });

  it("fails like the real command, with exit 1 and nothing written", () => {
    const before = s.snapshot();
    const cases: [string[], string][] = [
      [["stack", "register", "spare", "-o", "busy", "-a", "default", "-m", "default"], "A stack named 'spare' already exists."],
      [["stack", "delete", "default"], "is the active stack"],
      [["orchestrator", "delete", "busy"], "it is part of stack 'spare'"],
      [["orchestrator", "update", "busy", "--max-concurrency=0"], "maxConcurrency"],
      [["profile", "delete", "default"], "is the active profile"],
    ];
    for (const [args, message] of cases) {
      const dry = s.zen([...args, "--dry-run"]);
      const real = s.zen([...args, "-y"].filter((a) => a !== "-y" || args[1] === "delete"));
      expect({ args, status: dry.status, message: dry.stderr.includes(message) }).toEqual({ args, status: 1, message: true });
      expect({ args, error: dry.stderr.split("\n").find((l) => l.startsWith("Error:")) }).toEqual({
        args,
        error: real.stderr.split("\n").find((l) => l.startsWith("Error:")),
      });
    }
    expect(s.snapshot()).toBe(before);
  });

  it("clean lists the files it would remove and leaves everything", () => {
    writeFileSync(join(s.configDir, "important.txt"), "mine");
    const before = s.snapshot();
    const r = s.zen(["clean", "--dry-run"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`- ${join(s.configDir, "profiles")}`);
    expect(r.stdout).toContain(`left in place: ${join(s.configDir, "important.txt")}`);
    const json = JSON.parse(s.zen(["clean", "--dry-run", "--output", "json"]).stdout);
    expect(json).toMatchObject({ kind: "clean", dryRun: true, items: { keep: [join(s.configDir, "important.txt")] } });
    expect(json.items.remove).toContain(join(s.configDir, "config.yaml"));
    expect(s.snapshot()).toBe(before);
  });
});
