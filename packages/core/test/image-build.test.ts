/**
 * Step images without a container engine, against a real OCI registry (`crane registry serve`, started
 * by scripts/services): a small base image created and pushed with crane, the project's layers
 * appended and pushed by zen, the result read back with `crane manifest`, `crane config` and
 * `crane export`. Requests are counted on the wire to show what a rebuild pushes.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "@jest/globals";
import { makeTempDir } from "@zen/test-utils";
import { requireRegistry, type RegistryService } from "../../../scripts/services/service-env.ts";
import { codeEntries, createLayer, dependencyEntries, planImage, pushImage, type ImageSpec } from "../src/image/index.ts";

let registry: RegistryService;
let base: string;
const unique = `${process.pid}-${Date.now().toString(36)}`;

function crane(...args: string[]): string {
  return execFileSync(registry.crane, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

function craneBuffer(...args: string[]): Buffer {
  return execFileSync(registry.crane, args, { maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

/** A fetch that records each request's method and path: what was pushed, seen on the wire. */
function countingFetch() {
  const requests: string[] = [];
  const wrapped: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push(`${init?.method ?? "GET"} ${url.pathname}`);
    return fetch(input, init);
  };
  const uploads = () => requests.filter((r) => /^PUT .*\/blobs\/uploads\//.test(r)).length;
  const manifestWrites = () => requests.filter((r) => /^PUT .*\/manifests\//.test(r)).length;
  return { requests, wrapped, uploads, manifestWrites };
}

/** A project whose layers no earlier run pushed (the registry keeps blobs by digest, across repositories). */
function writeProject(dir: string, salt: string): void {
  const files: Record<string, string> = {
    "package.json": JSON.stringify({
      name: "demo",
      description: `${unique}-${salt}`,
      private: true,
      dependencies: { "dep-a": "1.0.0" },
      devDependencies: { "dev-only": "1.0.0" },
    }),
    "src/pipeline.ts": "export default 'pipeline';\n",
    "src/util.ts": "export const answer = 42;\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    "node_modules/dep-a/package.json": JSON.stringify({ name: "dep-a", version: "1.0.0", dependencies: { "dep-b": "2.0.0" } }),
    "node_modules/dep-a/index.js": "module.exports = require('dep-b');\n",
    "node_modules/dep-b/package.json": JSON.stringify({ name: "dep-b", version: "2.0.0" }),
    "node_modules/dep-b/index.js": `module.exports = "${unique}-${salt}";\n`,
    "node_modules/dev-only/package.json": JSON.stringify({ name: "dev-only", version: "1.0.0" }),
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

function spec(project: string, target: string): ImageSpec {
  return {
    base,
    target,
    layers: [createLayer("dependencies", dependencyEntries(project)), createLayer("code", codeEntries(project))],
    entrypoint: ["node", "/app/node_modules/.bin/zen"],
    env: { NODE_ENV: "production", PATH: "/app/node_modules/.bin:/usr/local/bin:/usr/bin:/bin" },
    workdir: "/app",
  };
}

beforeAll(async () => {
  registry = await requireRegistry();
  // The base image: one layer and a config, made and pushed by crane itself (no internet, no daemon).
  const dir = makeTempDir("zen-image-base-");
  mkdirSync(path.join(dir, "root/etc"), { recursive: true });
  writeFileSync(path.join(dir, "root/etc/os-release"), "NAME=zen-test-base\n");
  execFileSync("tar", ["-C", path.join(dir, "root"), "-cf", path.join(dir, "base.tar"), "etc"]);
  base = `${registry.host}/zen-test/base-${unique}:1`;
  crane("append", "-f", path.join(dir, "base.tar"), "-t", base);
  crane("mutate", base, "--env", "BASE_VAR=kept", "-t", base);
});

describe("step image without a daemon", () => {
  it("pushes the base's layers plus dependency and code layers, with entrypoint, env and files crane reads back", async () => {
    const project = makeTempDir("zen-image-project-");
    writeProject(project, "1");
    const target = `${registry.host}/zen-test/app-${unique}-a:latest`;
    const result = await pushImage(spec(project, target));
    expect(result.pushed).toEqual(["dependencies", "code"]);
    expect(result.reference).toBe(`${registry.host}/zen-test/app-${unique}-a@${result.manifestDigest}`);

    const manifest = JSON.parse(crane("manifest", result.reference));
    expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(manifest.layers).toHaveLength(3);
    expect(crane("digest", target).trim()).toBe(result.manifestDigest);
    const config = JSON.parse(crane("config", result.reference));
    expect(config.config.Entrypoint).toEqual(["node", "/app/node_modules/.bin/zen"]);
    expect(config.config.WorkingDir).toBe("/app");
    expect(config.config.Env).toEqual(
      expect.arrayContaining(["BASE_VAR=kept", "NODE_ENV=production", "PATH=/app/node_modules/.bin:/usr/local/bin:/usr/bin:/bin"]),
    );
    expect(config.rootfs.diff_ids).toHaveLength(3);

    const root = makeTempDir("zen-image-export-");
    writeFileSync(path.join(root, "fs.tar"), craneBuffer("export", result.reference, "-"));
    const files = execFileSync("tar", ["-tf", path.join(root, "fs.tar")], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        "etc/os-release",
        "app/src/pipeline.ts",
        "app/src/util.ts",
        "app/package.json",
        "app/node_modules/dep-a/index.js",
        "app/node_modules/dep-b/index.js",
      ]),
    );
    expect(files.filter((f) => f.includes("dev-only") || f.includes(".git/"))).toEqual([]);
    expect(execFileSync("tar", ["-xOf", path.join(root, "fs.tar"), "app/src/util.ts"], { encoding: "utf8" })).toBe("export const answer = 42;\n");
  });

  it("pushes nothing when nothing changed, and one small layer after a one-file change", async () => {
    const project = makeTempDir("zen-image-project-");
    writeProject(project, "2");
    const target = `${registry.host}/zen-test/app-${unique}-b:latest`;
    const first = await pushImage(spec(project, target));

    const again = countingFetch();
    // Touching files changes nothing: layers have fixed mtimes.
    utimesSync(path.join(project, "src/util.ts"), new Date(), new Date());
    const second = await pushImage(spec(project, target), { client: () => ({ fetch: again.wrapped }) });
    expect(second.reference).toBe(first.reference);
    expect(second.pushed).toEqual([]);
    expect(again.uploads()).toBe(0);

    writeFileSync(path.join(project, "src/util.ts"), "export const answer = 43;\n");
    const changed = countingFetch();
    const started = performance.now();
    const third = await pushImage(spec(project, target), { client: () => ({ fetch: changed.wrapped }) });
    const elapsed = performance.now() - started;
    expect(third.reference).not.toBe(first.reference);
    expect(third.pushed).toEqual(["code"]);
    expect(changed.uploads()).toBe(2); // the code layer and the image config
    expect(third.layers.find((l) => l.name === "code")!.size).toBeLessThan(4096);
    expect(elapsed).toBeLessThan(3000);
    expect(execFileSync("tar", ["-xO", "app/src/util.ts"], { input: craneBuffer("export", third.reference, "-"), encoding: "utf8" })).toBe(
      "export const answer = 43;\n",
    );
  });

  it("is reproducible: the same project elsewhere gives the same layers and image", async () => {
    const one = makeTempDir("zen-image-project-");
    writeProject(one, "3");
    const two = makeTempDir("zen-image-copy-");
    cpSync(one, two, { recursive: true });
    const target = `${registry.host}/zen-test/app-${unique}-c:latest`;
    const a = spec(one, target);
    const b = spec(two, target);
    expect(b.layers.map((l) => l.digest)).toEqual(a.layers.map((l) => l.digest));
    expect((await planImage(b)).manifestDigest).toBe((await planImage(a)).manifestDigest);
  });

  it("plans without pushing: which layers would go, and nothing in the registry afterwards", async () => {
    const project = makeTempDir("zen-image-project-");
    writeProject(project, "4");
    const target = `${registry.host}/zen-test/app-${unique}-d:latest`;
    const plan = await planImage(spec(project, target));
    expect(plan.layers.map((l) => [l.name, l.push])).toEqual([
      ["dependencies", true],
      ["code", true],
    ]);
    // The base image's layer is in the registry already (under the base's repository).
    expect(plan.baseLayers).toHaveLength(1);
    expect(() => crane("manifest", target)).toThrow();
  });

  it("builds on a base pinned by tag and digest, and refuses a manifest whose content is not that digest", async () => {
    const project = makeTempDir("zen-image-project-");
    writeProject(project, "5");
    const digest = crane("digest", base).trim();
    const pinned = `${base}@${digest}`;
    const plan = await planImage({ ...spec(project, `${registry.host}/zen-test/app-${unique}-e:latest`), base: pinned });
    expect(plan.baseLayers).toHaveLength(1);
    // A registry (or a proxy) that answers the pinned digest with other content.
    const tampering: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!url.pathname.endsWith(`/manifests/${digest}`)) return response;
      const manifest = JSON.parse(await response.text()) as Record<string, unknown>;
      return new Response(JSON.stringify({ ...manifest, annotations: { changed: "yes" } }), { status: 200, headers: response.headers });
    };
    const error = (await planImage(
      { ...spec(project, `${registry.host}/zen-test/app-${unique}-e:latest`), base: pinned },
      {
        client: () => ({ fetch: tampering }),
      },
    ).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe("ZEN_REGISTRY_DIGEST");
    expect(error.message).toMatch(
      new RegExp(
        `^The container registry ${registry.host} answered zen-test/base-${unique}@${digest} with a manifest of another digest \\(sha256:[0-9a-f]{64}\\)\\.$`,
      ),
    );
  });
});
