/**
 * The layer order of docs/architecture.md ("Layers"), enforced: every import in packages/core/src
 * (static, type-only, dynamic and re-exports alike) must point to its own layer or a lower one, and no
 * files may import each other in a loop, in core or in an integration. Type-only imports count: a type
 * that two modules need from each other is a concept that belongs lower down.
 */
import { describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const coreSrc = join(root, "packages/core/src");

/**
 * Low to high. A file belongs to the layer of its longest matching pattern (a file name, or a folder
 * ending in "/"). Keep in step with the table in docs/architecture.md.
 */
export const LAYERS: { name: string; patterns: string[] }[] = [
  {
    name: "vocabulary",
    patterns: ["errors.ts", "flavor-terms.ts", "wording.ts", "component-types.ts", "known-packages.ts", "discovery/flavor-info.ts"],
  },
  {
    name: "files and packages",
    patterns: [
      "fs/",
      "discovery/constants.ts",
      "discovery/core-package.ts",
      "discovery/package-json.ts",
      "discovery/import-module.ts",
      "discovery/candidates.ts",
    ],
  },
  {
    name: "component model",
    patterns: [
      "stack-component.ts",
      "components/",
      "stack.ts",
      "flavor.ts",
      "config-values.ts",
      "discovery/json-schema.ts",
      "discovery/describe-flavor.ts",
      "object-store/",
      "store/records.ts",
    ],
  },
  {
    name: "configuration, stores and built-ins",
    patterns: ["config/", "store/", "secrets/", "sql-stores/", "builtins/", "flavors/", "image/"],
  },
  { name: "discovery", patterns: ["discovery/"] },
  { name: "facade", patterns: ["zen-api.ts", "zen/", "stack-validation.ts", "stack-transfer.ts"] },
  { name: "pipelines", patterns: ["pipeline/", "verify/"] },
  { name: "kits and entries", patterns: ["testing/", "index.ts", "command-line.ts", "flavor-entry.ts", "internal.ts", "local-secrets-entry.ts"] },
];

function layerOf(file: string): number | undefined {
  let best: { layer: number; length: number } | undefined;
  LAYERS.forEach((layer, index) => {
    for (const pattern of layer.patterns) {
      const matches = pattern.endsWith("/") ? file.startsWith(pattern) : file === pattern;
      if (matches && (!best || pattern.length > best.length)) best = { layer: index, length: pattern.length };
    }
  });
  return best?.layer;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Relative specifiers of every import/export-from/dynamic import, comments stripped. */
export function relativeImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^"'`;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
    /^\s*import\s*["'](\.{1,2}\/[^"']+)["']/gm,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** file (relative to base) → the files it imports (relative to base), within `files`. */
function importGraph(base: string, files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = relativeImports(readFileSync(file, "utf8")).map((spec) => relative(base, resolve(dirname(file), spec)));
    graph.set(relative(base, file), [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan), each as a sorted file list. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== node);
      if (members.length > 1) found.push(members.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe("the layers of @zen/core", () => {
  const graph = importGraph(coreSrc, tsFiles(coreSrc));

  it("finds the imports it checks (multi-line, type-only, dynamic, re-exports)", () => {
    expect(
      relativeImports(
        [
          "import {",
          "  a,",
          "  type B,",
          '} from "./a.ts";',
          'import type { C } from "../c.ts";',
          'export * from "./d.ts";',
          'const e = await import("./e.ts");',
          '// import { f } from "./f.ts";',
        ].join("\n"),
      ),
    ).toEqual(["./a.ts", "../c.ts", "./d.ts", "./e.ts"]);
    expect(graph.get("index.ts")?.length).toBeGreaterThan(10);
  });

  it("gives every source file a layer", () => {
    expect([...graph.keys()].filter((file) => layerOf(file) === undefined)).toEqual([]);
  });

  it("has no import that points up the layer order", () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      for (const target of targets) {
        const to = layerOf(target);
        if (from !== undefined && to !== undefined && to > from) upward.push(`${file} (${LAYERS[from]!.name}) imports ${target} (${LAYERS[to]!.name})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("has no import cycle between files", () => {
    expect(cycles(graph).map((members) => members.join(" ↔ "))).toEqual([]);
  });
});

describe("the integrations", () => {
  const integrations = readdirSync(join(root, "integrations"), { withFileTypes: true }).filter((entry) => entry.isDirectory());

  it.each(integrations.map((entry) => entry.name))("%s has no import cycle between its files", (name) => {
    const src = join(root, "integrations", name, "src");
    let files: string[];
    try {
      files = tsFiles(src);
    } catch {
      files = [];
    }
    expect(cycles(importGraph(src, files)).map((members) => members.join(" ↔ "))).toEqual([]);
  });
});
