// Sums the Jest JSON reports (packages/*/test-results.json, integrations/*/…, tests/*/…) into one closing line.
import { existsSync, readFileSync, readdirSync } from "node:fs";

let passed = 0;
let failed = 0;
let suites = 0;
for (const group of ["packages", "integrations", "examples", "tests"]) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const file = `${group}/${name}/test-results.json`;
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
    suites += report.numTotalTestSuites;
  }
}
console.log(`Test suites: ${suites}`);
console.log(`${passed} passed, ${failed} failed`);
if (passed + failed === 0) {
  console.error("No test ran.");
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
