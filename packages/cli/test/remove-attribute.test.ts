// `zen <component-type> remove-attribute NAME --key [--key …]` (ZenML 0.9's remove-attribute): an
// optional key is unset and the component still validates; a required, an unknown or no key is an
// error naming the key, and nothing changes.
import { describe, expect, it } from "@jest/globals";
import { sandbox } from "./run-zen.ts";

describe.each(["local", "sql"])("remove-attribute on a %s profile", (storeType) => {
  const s = sandbox();
  const ok = (args: string[]) => {
    const r = s.zen(["-q", ...args]);
    expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 0, stderr: "" });
    return r;
  };
  ok(["profile", "create", "p", "--store-type", storeType]);
  ok(["profile", "set", "p"]);
  ok(["orchestrator", "register", "busy", "--flavor", "local", "--max-concurrency=3"]);
  ok(["artifact-store", "register", "files", "--flavor", "local", "--path=/tmp/zen-artifacts"]);
  const config = (group: string, name: string) => JSON.parse(ok([group, "describe", name, "--output", "json"]).stdout).item.config;

  it("unsets an optional key; the component validates and runs in a stack afterwards", () => {
    expect(ok(["orchestrator", "remove-attribute", "busy", "--max-concurrency"]).stdout).toContain("Removed 'max-concurrency' from orchestrator 'busy'.");
    expect(config("orchestrator", "busy")).toEqual({});
    ok(["stack", "register", "uses-busy", "-o", "busy", "-a", "files", "-m", "default"]);
    expect(s.zen(["stack", "validate", "uses-busy"]).status).toBe(0);
  });

  it.each([
    [["--path"], 1, "Cannot remove 'path': the artifact store flavor 'local' requires it."],
    [["--nope"], 1, "Unknown config key 'nope' for the artifact store flavor 'local'."],
    [["--pth"], 1, "(did you mean 'path'?)"],
    [[], 2, "No attribute to remove was given."],
    [["--path=x"], 2, "'--path=x' is not an attribute to remove."],
  ])("refuses %j (exit %i) naming the problem, changing nothing", (keys, status, message) => {
    const before = s.snapshot();
    const r = s.zen(["artifact-store", "remove-attribute", "files", ...keys]);
    expect({ status: r.status, message: r.stderr.includes(message) }).toEqual({ status, message: true });
    expect(s.snapshot()).toBe(before);
    expect(config("artifact-store", "files")).toEqual({ path: "/tmp/zen-artifacts" });
  });

  it("refuses an unknown component by name", () => {
    const r = s.zen(["orchestrator", "remove-attribute", "ghost", "--max-concurrency"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("No orchestrator named 'ghost'.");
  });

  it("is in the help", () => {
    expect(s.zen(["orchestrator", "--help"]).stdout).toContain("remove-attribute");
  });
});
