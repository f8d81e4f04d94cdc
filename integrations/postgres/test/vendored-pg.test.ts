// The built package carries pg in one file (dist/vendor/pg.cjs) that needs no installed package:
// published, the package has no runtime dependency on pg. Built for Node only, the bundle does not
// load Node's fetch implementation (undici) to probe for Cloudflare Workers.
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadBundleAlone } from "@zen/test-utils";

const bundle = fileURLToPath(new URL("../dist/vendor/pg.cjs", import.meta.url));

describe("the vendored pg", () => {
  it("loads from an empty directory and gives the client API the driver uses", () => {
    expect(loadBundleAlone(bundle)).toEqual(expect.arrayContaining(["Pool", "escapeLiteral"]));
  });

  it("does not probe for another runtime through fetch's Response", () => {
    expect(readFileSync(bundle, "utf8")).not.toMatch(/\bnew Response\(/);
  });

  it("ships the licenses of the packages it holds", () => {
    const licenses = readFileSync(bundle.replace(/\.cjs$/, ".licenses.txt"), "utf8");
    expect(licenses).toMatch(/^pg@\d+\.\d+\.\d+ \(MIT\)$/m);
    expect(licenses).toMatch(/^pg-protocol@\S+ \(MIT\)$/m);
  });
});
