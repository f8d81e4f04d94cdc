// `node vendor-bundle.mjs [--node-only=GLOBAL,…] <specifier>=<name> …` (run in a package directory, after
// `tsc -b`): builds `dist/vendor/<name>.cjs`, one CommonJS file holding the package `<specifier>` and
// everything it requires, plus `dist/vendor/<name>.licenses.txt` with the license of each package inside.
// `--node-only` names globals the bundle sees as undefined: the probes a library runs to detect another
// runtime (pg builds a fetch `Response` to detect Cloudflare Workers, which on Node 20 loads Node's
// fetch implementation, ~15 ms) are answered at build time, since the bundle runs on Node only.
//
// Why: a database driver is a few hundred CommonJS files (mysql2 loads 282) that cost a shared
// profile's `zen stack list` more than the rest of the command. One file loads faster, and one
// CommonJS file can go through V8's code cache (`loadBundledDriver` in @zen/core), which ES modules
// cannot on Node 20. The bundled packages are devDependencies: the published package needs only this.
import { rolldown } from "rolldown";
import { builtinModules } from "node:module";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const dir = process.cwd();
const outDir = join(dir, "dist", "vendor");
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const args = process.argv.slice(2);
const nodeOnly = args.filter((arg) => arg.startsWith("--node-only=")).flatMap((arg) => arg.slice("--node-only=".length).split(","));
const targets = args
  .filter((arg) => !arg.startsWith("--"))
  .map((arg) => {
    const [specifier, name] = arg.split("=");
    if (!specifier || !name) throw new Error(`vendor-bundle: expected <specifier>=<name>, got '${arg}'`);
    return { specifier, name };
  });

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const { specifier, name } of targets) {
  const bundled = new Set();
  const bundle = await rolldown({
    cwd: dir,
    input: { [name]: `\0vendor:${specifier}` },
    platform: "node",
    // Optional native add-ons a driver tries in a try/catch (pg-native) stay out: absent, as when installed.
    external: (id) => builtins.has(id) || id === "pg-native",
    transform: { define: Object.fromEntries(nodeOnly.map((name) => [name, "undefined"])) },
    logLevel: "warn",
    plugins: [
      {
        name: "vendor-entry",
        resolveId: (id) => (id === `\0vendor:${specifier}` ? id : null),
        load: (id) => (id === `\0vendor:${specifier}` ? `module.exports = require(${JSON.stringify(specifier)});` : null),
      },
      {
        name: "vendor-packages",
        moduleParsed(info) {
          const root = packageRoot(info.id);
          if (root) bundled.add(root);
        },
      },
    ],
  });
  await bundle.write({ dir: outDir, format: "cjs", entryFileNames: "[name].cjs", codeSplitting: false });
  await bundle.close();
  writeFileSync(join(outDir, `${name}.licenses.txt`), licenses([...bundled].sort()));
}

/** The directory of the installed package a bundled file belongs to (the nearest package.json with a name). */
function packageRoot(file) {
  if (!file.includes("node_modules")) return undefined;
  for (let current = dirname(file); current !== dirname(current); current = dirname(current)) {
    const manifest = join(current, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name) return current;
  }
  return undefined;
}

function licenses(roots) {
  return roots
    .map((root) => {
      const { name, version, license } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
      const file = readdirSync(root).find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
      const text = file ? readFileSync(join(root, file), "utf8").trim() : `License: ${license ?? "see the package"}`;
      return `${name}@${version} (${license ?? "unknown"})\n\n${text}\n`;
    })
    .join(`\n${"-".repeat(72)}\n\n`);
}
