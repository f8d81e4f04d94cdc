// Sums the Jest JSON reports (packages/*/test-results.json, integrations/*/…, tests/*/…) into one closing
// summary. Failures are repeated here, at the very end, because CI logs are often read from the tail.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";

let passed = 0;
let failed = 0;
let suites = 0;
const failures = [];
for (const group of ["packages", "integrations", "examples", "tests"]) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const file = `${group}/${name}/test-results.json`;
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
    suites += report.numTotalTestSuites;
    for (const suite of report.testResults ?? []) {
      const where = suite.name.slice(process.cwd().length + 1);
      const broken = suite.assertionResults?.filter((test) => test.status === "failed") ?? [];
      for (const test of broken) failures.push({ where, title: test.fullName, text: test.failureMessages.join("\n") });
      // A suite that failed to run at all (syntax error, hook failure) has a message but no failed test.
      if (suite.status === "failed" && broken.length === 0) failures.push({ where, title: "(suite)", text: suite.message });
    }
  }
}
for (const { where, title, text } of failures) {
  console.log(`\nFAILED ${where} › ${title}`);
  const lines = stripVTControlCharacters(text ?? "")
    .split("\n")
    .filter((line) => line.trim() !== "");
  for (const line of lines.slice(0, 25)) console.log(`  ${line}`);
  if (lines.length > 25) console.log(`  … ${lines.length - 25} more lines`);
}
console.log(`Test suites: ${suites}`);
console.log(`${passed} passed, ${failed} failed`);
if (passed + failed === 0) {
  console.error("No test ran.");
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
