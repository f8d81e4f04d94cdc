// Builds a package's JavaScript with rolldown: one ESM file per export subpath, code loaded through
// `import()` in chunks of its own. Start-up speed is the reason: every ES module costs Node ~0.5–1 ms
// to resolve, read, compile and link, so what a command loads at once should be a few files.
// `--startup` (below) names what that is; `zen stack list` loads a handful of files of ours instead of twenty.
//
// What gets inlined: `dependencies` and `peerDependencies` stay external (installed, shared with
// plugins: @zen/core, zod, better-sqlite3, tsx), except the entries `--inline` names; `devDependencies`
// that the code imports are bundled.
// Type declarations come from `tsc -b` (emitDeclarationOnly).
import { rolldown } from "rolldown";
import { builtinModules } from "node:module";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";

const dir = process.cwd();
const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const externalPackages = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
// `process` is left to the global-process plugin below; the others to builtin-objects.
const builtins = new Set(builtinModules.filter((name) => name !== "process").flatMap((name) => [name, `node:${name}`]));
// `--inline=@zen/core/command-line`: entries of a dependency compiled into this package's chunks
// instead (the CLI's start-up then resolves no bare specifier: ~2 ms). Only for code without state
// of its own; a class in it exists twice in a process (`isZenError` is a brand check for that).
const inlineArg = process.argv.find((arg) => arg.startsWith("--inline="));
const inlined = new Set(inlineArg ? inlineArg.slice("--inline=".length).split(",") : []);
const isExternal = (id) => !inlined.has(id) && (builtins.has(id) || externalPackages.some((name) => id === name || id.startsWith(`${name}/`)));

// Entry name (path under src, without extension) → source file, from the `zen-source` export conditions.
const input = Object.fromEntries(
  Object.values(pkg.exports ?? {})
    .map((target) => (typeof target === "object" ? target["zen-source"] : undefined))
    .filter(Boolean)
    .map((source) => [relative("src", source).replace(/\.ts$/, ""), join(dir, source)]),
);

// `--startup=a+b,c`: what commands load at once. Each comma-separated group becomes one chunk holding
// everything its members import statically, less what earlier groups hold. A member is an export
// subpath without "./" or a source file loaded through `import()` that is worth merging in:
// `component-types+errors,zen/index` gives `zen --help` one chunk of core, and `zen stack list` two.
const startupArg = process.argv.find((arg) => arg.startsWith("--startup="));
const startupGroups = (startupArg ? startupArg.slice("--startup=".length).split(",") : []).map((group) =>
  group.split("+").map((member) => {
    const source = member.endsWith(".ts") ? join(dir, member) : input[member];
    if (!source || !existsSync(source)) throw new Error(`--startup: ${pkg.name} has no export ./${member} or file ${member}`);
    // Named by the whole subpath: `zen/index` and `discovery/index` are two chunks.
    return { name: member.replace(/\.ts$/, "").replaceAll("/", "-"), source };
  }),
);

/** Module id → name of the startup chunk it goes into. */
function startupChunks(getModuleInfo) {
  const chunkOf = new Map();
  for (const members of startupGroups) {
    const name = members[0].name;
    const pending = members.map((member) => member.source);
    while (pending.length > 0) {
      const id = pending.pop();
      const info = getModuleInfo(id);
      if (chunkOf.has(id) || !info || info.isExternal) continue;
      chunkOf.set(id, name);
      pending.push(...info.importedIds);
    }
  }
  return chunkOf;
}

let chunkOf;
function startupChunk(moduleId, context) {
  chunkOf ??= startupChunks((id) => context.getModuleInfo(id));
  return chunkOf.get(moduleId) ?? null;
}

/**
 * Importing `node:process` as an ES module (env-paths does) builds a facade over its hundred
 * properties, ~1.3 ms of a start-up; it is the global `process` anyway.
 */
const globalProcess = {
  name: "zen:global-process",
  resolveId(id) {
    return id === "node:process" || id === "process" ? "\0zen:process" : null;
  },
  load(id) {
    // CommonJS, so both `require("process")` (yaml does) and `import process from "node:process"` get the object.
    return id === "\0zen:process" ? "module.exports = globalThis.process;" : null;
  },
};

/**
 * The same holds for every built-in: Node builds an ES-module facade over one the first time it is
 * imported (`node:fs` alone ~1 ms, the seven a start-up touches ~4 ms), though the object is loaded
 * already. So the written chunks take each built-in from `process.getBuiltinModule` instead: one line
 * for one, so the source maps stay right.
 */
const builtinImport = /^import (?:([\w$]+)(?:, )?)?(?:\{ ([^}]*) \}|\* as ([\w$]+))? ?(?:from )?"((?:node:)?[\w/]+)";$/;
// Loading node:fs/promises costs ~1 ms (it pulls in readline and stream internals), and only writes
// use it: its named functions become forwarders that load it on their first call.
const lazyBuiltins = new Set(["node:fs/promises"]);
function builtinObject(line) {
  const [, defaultName, named, namespace, specifier] = builtinImport.exec(line) ?? [];
  if (!builtins.has(specifier)) return line;
  const id = specifier.startsWith("node:") ? specifier : `node:${specifier}`;
  const object = `process.getBuiltinModule("${id}")`;
  const lazy = named && !defaultName && lazyBuiltins.has(id) && !/\bconstants\b/.test(named);
  if (lazy) {
    const forwarders = named.split(", ").map((part) => {
      const [imported, local = imported] = part.split(" as ");
      return `${local} = (...args) => ${object}.${imported}(...args)`;
    });
    return `const ${forwarders.join(", ")};`;
  }
  const names = named?.split(", ").map((part) => part.replace(" as ", ": "));
  const bindings = [defaultName ?? namespace, names && `{ ${names.join(", ")} }`].filter(Boolean);
  if (bindings.length === 0) return ";";
  if (bindings.length === 1) return `const ${bindings[0]} = ${object};`;
  return `const ${bindings[0]} = ${object}, ${bindings[1]} = ${bindings[0]};`;
}
const builtinObjects = {
  name: "zen:builtin-objects",
  renderChunk(code) {
    // Only the import statements a chunk opens with: the same words inside a template (the
    // `zen flavor init` skeletons) are text.
    const lines = code.split("\n");
    for (let at = 0; at < lines.length && /^(import |\/\/|$)/.test(lines[at]); at++) lines[at] = builtinObject(lines[at]);
    const rewritten = lines.join("\n");
    return rewritten === code ? null : { code: rewritten, map: null };
  },
};

/**
 * rolldown's helpers (CommonJS interop, namespace objects) are a chunk of their own, so every start-up
 * would load it as one more module of each package. The startup chunks get their own copy of the
 * helpers instead (~1.5 KB); chunks loaded later keep importing the shared one.
 */
const inlineRuntime = {
  name: "zen:inline-runtime",
  generateBundle(_options, bundle) {
    const runtime = Object.values(bundle).find((file) => file.type === "chunk" && file.name === "rolldown-runtime");
    if (!runtime) return;
    const lines = runtime.code.split("\n");
    const exportAt = lines.findIndex((line) => line.startsWith("export {"));
    const requireAt = lines.findIndex((line) => line.startsWith("var __require = "));
    if (exportAt < 0) throw new Error(`zen:inline-runtime: no export line in ${runtime.fileName}; rolldown changed its output`);
    // `export { __toESM as i, … };`: exported name → the helper's name.
    const helperOf = new Map([...lines[exportAt].matchAll(/([\w$]+) as ([\w$]+)/g)].map(([, helper, name]) => [name, helper]));
    const runtimeFile = runtime.fileName.split("/").pop();
    const importLine = new RegExp(`^import \\{ ([^}]*) \\} from "[./]*(?:chunks/)?${runtimeFile.replace(/[.$]/g, "\\$&")}";$`, "m");
    const startupNames = new Set(startupGroups.map((members) => members[0].name));
    for (const chunk of Object.values(bundle)) {
      // An entry's chunk is named by its subpath (`zen/index`), a startup group by the same with dashes.
      if (chunk.type !== "chunk" || !startupNames.has(chunk.name.replaceAll("/", "-"))) continue;
      const found = importLine.exec(chunk.code);
      if (!found) continue;
      const bindings = found[1].split(", ").map((part) => part.split(" as "));
      const needsRequire = bindings.some(([name]) => helperOf.get(name) === "__require");
      const body = lines
        .filter(
          (line, at) => at !== exportAt && !line.startsWith("//") && !line.includes('getBuiltinModule("node:module")') && (needsRequire || at !== requireAt),
        )
        .map((line) => line.replace("createRequire(import.meta.url)", 'process.getBuiltinModule("node:module").createRequire(import.meta.url)'));
      for (const [name, local] of bindings) if (helperOf.get(name) !== local) body.push(`const ${local} = ${helperOf.get(name)};`);
      for (const declared of body.join("\n").matchAll(/^(?:var|const) ([\w$]+)/gm)) {
        if (new RegExp(`(?:var|let|const|function|class) ${declared[1].replace(/\$/g, "\\$")}\\b`).test(chunk.code)) {
          throw new Error(`zen:inline-runtime: ${chunk.fileName} declares ${declared[1]} too`);
        }
      }
      // The import was one line; the source map moves what follows down by the lines added.
      const lineAt = chunk.code.slice(0, found.index).split("\n").length - 1;
      chunk.code = chunk.code.replace(found[0], body.join("\n"));
      const map = bundle[`${chunk.fileName}.map`];
      if (map?.type === "asset") {
        const json = JSON.parse(map.source);
        const mappings = json.mappings.split(";");
        mappings.splice(lineAt, 1, ...body.map(() => ""));
        json.mappings = mappings.join(";");
        map.source = JSON.stringify(json);
      }
    }
  },
};

// Chunk names carry content hashes: drop the previous build's.
rmSync(join(dir, "dist", "chunks"), { recursive: true, force: true });

const bundle = await rolldown({
  cwd: dir,
  input,
  platform: "node",
  external: (id) => isExternal(id),
  resolve: { conditionNames: ["zen-source", "node", "import", "module", "default"] },
  transform: { target: "node20" },
  plugins: [globalProcess, builtinObjects, inlineRuntime],
  logLevel: "warn",
  // An entry whose module a startup group holds becomes that chunk itself (exporting a few internals
  // too) instead of a one-line facade over it: one file fewer to load for each such entry.
  preserveEntrySignatures: "allow-extension",
  onLog(level, log, report) {
    // An index that re-exports a lazily imported module is expected: the chunking above decides.
    if (log.code !== "INEFFECTIVE_DYNAMIC_IMPORT") report(level, log);
  },
});
await bundle.write({
  dir: "dist",
  format: "esm",
  sourcemap: true,
  // Doc comments stay in the sources and the .d.ts files; Node would only scan past them (~0.5 ms of a start-up).
  comments: { legal: true, annotation: true, jsdoc: false },
  entryFileNames: "[name].js",
  chunkFileNames: "chunks/[name]-[hash].js",
  // One group per startup group, earlier ones first: a group also takes what its modules import
  // that no group took before it, and rolldown would otherwise go by name.
  codeSplitting: {
    groups: startupGroups.map((members, index) => ({
      name: (id, context) => (startupChunk(id, context) === members[0].name ? members[0].name : null),
      priority: startupGroups.length - index,
      debugName: members[0].name,
    })),
  },
});
await bundle.close();
