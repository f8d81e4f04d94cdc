// `zen stack import FILE` with a file that is not a usable export: exit 1, the message names the
// file, nothing is imported and no file changes. Alias bombs and cyclic YAML are the user's file
// problem, never "a bug in zen".
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { sandbox } from "./run-zen.ts";

const BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...["b", "c", "d", "e", "f", "g"].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${"abcdef"[i]}`).join(",")}]`),
].join("\n");

const FILES: Record<string, string> = {
  empty: "",
  null: "~\n",
  garbage: Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 151 + 7) % 256)).toString("latin1"),
  "not YAML": "format: zen-stack\nstack: [1,\n",
  "wrong shape": "format: zen-stack\nformatVersion: 1\nstack: {name: imported}\ncomponents: [1, 2]\n",
  "future version": "format: zen-stack\nformatVersion: 999\nstack: {name: imported}\ncomponents: {}\n",
  "alias bomb": `${BOMB}\n`,
  cyclic: "format: zen-stack\nformatVersion: 1\nstack: &s {name: x, again: *s}\ncomponents: {}\n",
};

describe("zen stack import of a file that is not a stack export", () => {
  const s = sandbox();
  expect(s.zen(["stack", "list"]).status).toBe(0);

  it.each(Object.keys(FILES))("%s: exit 1 naming the file, nothing imported", (damage) => {
    const file = join(s.cwd, `export-${damage.replace(/ /g, "-")}.yaml`);
    writeFileSync(file, FILES[damage]!, "latin1");
    const before = s.snapshot();
    const r = s.zen(["stack", "import", file, "--name", "imported"]);
    expect({ status: r.status, names: r.stderr.includes(file), bug: /bug in zen|RangeError|Excessive alias/i.test(r.stderr) }).toEqual({
      status: 1,
      names: true,
      bug: false,
    });
    expect(s.snapshot()).toBe(before);
    expect(readFileSync(file, "latin1")).toBe(FILES[damage]);
  });
});
