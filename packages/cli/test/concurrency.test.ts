// Writes are atomic and locked: 20 concurrent `zen stack register` processes on one profile all land.
import { describe, expect, it } from "@jest/globals";
import { sandbox } from "./run-zen.ts";

describe.each(["local", "sql"])("concurrent zen processes on a %s profile", (storeType) => {
  it("registers 20 stacks at once without losing one", async () => {
    const s = sandbox();
    expect(s.zen(["profile", "create", "shared", "--store-type", storeType]).status).toBe(0);
    expect(s.zen(["profile", "set", "shared"]).status).toBe(0);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.zenAsync(["stack", "register", `stack-${i}`, "-o", "default", "-a", "default", "-m", "default"])),
    );
    for (const r of results) expect({ status: r.status, stderr: r.status === 0 ? "" : r.stderr }).toEqual({ status: 0, stderr: "" });
    const listed = JSON.parse(s.zen(["stack", "list", "--output", "json"]).stdout).items.map((x: { name: string }) => x.name);
    expect(listed.sort()).toEqual(["default", ...Array.from({ length: 20 }, (_, i) => `stack-${i}`)].sort());
  });
});
