/** A small base image (one layer, made and pushed by crane: no internet, no daemon) in the test registry. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { makeTempDir } from "@zen/test-utils";
import type { RegistryService } from "../../../scripts/services/service-env.ts";

export function crane(registry: RegistryService, ...args: string[]): Buffer {
  return execFileSync(registry.crane, args, { maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

export function pushTestBase(registry: RegistryService, name: string): string {
  const dir = makeTempDir("zen-kfp-base-");
  mkdirSync(path.join(dir, "root/etc"), { recursive: true });
  writeFileSync(path.join(dir, "root/etc/os-release"), "NAME=zen-test-base\n");
  execFileSync("tar", ["-C", path.join(dir, "root"), "-cf", path.join(dir, "base.tar"), "etc"]);
  const base = `${registry.host}/zen-kfp-test/${name}:1`;
  crane(registry, "append", "-f", path.join(dir, "base.tar"), "-t", base);
  return base;
}
