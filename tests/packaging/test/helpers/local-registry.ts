/**
 * A minimal npm registry for the `@zen` scope, serving the packed tarballs as if they were
 * published: a packument per package and the tarballs themselves. npm is pointed at it for `@zen/*`
 * only (`@zen:registry=`), so every other package still comes from the real registry,
 * and `npm install` of a package that depends on `@zen/core@^0.1.0` works as it will once published.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { homedir } from "node:os";
import { basename, join } from "node:path";

export interface LocalRegistry {
  url: string;
  /**
   * The environment routing npm's `@zen` scope here: a user config holding the user's own settings
   * plus `@zen:registry=`. (Not `npm_config_@zen:registry`: `sh` drops variables with such names.)
   */
  env: Record<string, string>;
  /** Packument requests served, by package name (to show npm really asked this registry). */
  requests: Map<string, number>;
  close(): Promise<void>;
}

export function manifestOf(tarball: string): Record<string, any> {
  const extracted = spawnSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" });
  if (extracted.status !== 0) throw new Error(`Cannot read package.json from ${tarball}: ${extracted.stderr}`);
  return JSON.parse(extracted.stdout) as Record<string, any>;
}

export async function startLocalRegistry(tarballs: string[], npmrc: string): Promise<LocalRegistry> {
  const packages = tarballs.map((file) => {
    const bytes = readFileSync(file);
    return {
      file,
      bytes,
      manifest: manifestOf(file),
      shasum: createHash("sha1").update(bytes).digest("hex"),
      integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
    };
  });
  const requests = new Map<string, number>();
  let url = "";
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname).slice(1);
    const tarball = packages.find((p) => path === `${p.manifest.name}/-/${basename(p.file)}`);
    if (tarball) {
      response.writeHead(200, { "content-type": "application/octet-stream", "content-length": tarball.bytes.length });
      response.end(tarball.bytes);
      return;
    }
    const versions = packages.filter((p) => p.manifest.name === path);
    if (versions.length === 0) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "not found" }));
      return;
    }
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const latest = versions.at(-1)!.manifest.version as string;
    const packument = {
      _id: path,
      name: path,
      "dist-tags": { latest },
      versions: Object.fromEntries(
        versions.map((p) => [
          p.manifest.version,
          {
            ...p.manifest,
            _id: `${path}@${p.manifest.version}`,
            dist: { tarball: `${url}/${path}/-/${basename(p.file)}`, shasum: p.shasum, integrity: p.integrity },
          },
        ]),
      ),
      time: Object.fromEntries(versions.map((p) => [p.manifest.version, new Date(0).toISOString()])),
    };
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const userConfig = join(homedir(), ".npmrc");
  const own = existsSync(userConfig) ? readFileSync(userConfig, "utf8") : "";
  writeFileSync(npmrc, `${own}\n@zen:registry=${url}/\n`);
  return {
    url,
    env: { npm_config_userconfig: npmrc },
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
