// Fails when a tracked source line is longer than 160 characters: Biome's formatter wraps code at
// that width but cannot break long strings, and a line nobody can read without scrolling hides bugs.
// The generated example is left as `zen flavor init` writes it (a test compares the two).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const MAX = 160;
const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "*.ts", "*.tsx", "*.mjs", "*.js", "*.css"], { encoding: "utf8" })
  .split("\n")
  .filter((file) => file && !file.startsWith("examples/zen-integration-memo/") && !/(^|\/)(dist|node_modules)\//.test(file));
const long = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    continue; // deleted in the work tree
  }
  text.split("\n").forEach((line, i) => {
    if (line.length > MAX) long.push(`${file}:${i + 1}: ${line.length} characters`);
  });
}
if (long.length > 0) {
  console.error(`Lines over ${MAX} characters (break long strings into named parts or joined pieces):\n${long.join("\n")}`);
  process.exit(1);
}
