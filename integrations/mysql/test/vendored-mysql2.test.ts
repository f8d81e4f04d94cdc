// The built package carries mysql2 in one file (dist/vendor/mysql2.cjs) that needs no installed package:
// published, the package has no runtime dependency on mysql2.
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadBundleAlone } from "@zen/test-utils";

const bundle = fileURLToPath(new URL("../dist/vendor/mysql2.cjs", import.meta.url));

describe("the vendored mysql2", () => {
  it("loads from an empty directory and gives the client API the driver uses", () => {
    expect(loadBundleAlone(bundle)).toEqual(expect.arrayContaining(["createPool", "createConnection"]));
  });

  it("ships the licenses of the packages it holds", () => {
    const licenses = readFileSync(bundle.replace(/\.cjs$/, ".licenses.txt"), "utf8");
    expect(licenses).toMatch(/^mysql2@\d+\.\d+\.\d+ \(MIT\)$/m);
    expect(licenses).toMatch(/^iconv-lite@\S+ \(MIT\)$/m);
  });
});
