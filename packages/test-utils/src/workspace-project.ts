/**
 * The workspace's packages as a user installs them: the built CLI, and a project whose node_modules
 * links to the packages' workspace copies (Jest resolves them to source); with them, what a
 * team-profile suite of a SQL driver package starts from.
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { makeProject } from "./flavor-package-fixture.ts";

/** The built CLI's entry in this workspace (`pnpm build` first). */
export const ZEN_BIN = fileURLToPath(new URL("../../cli/bin/zen.cjs", import.meta.url));

/** A user's project (`makeProject`) with workspace packages installed: `node_modules/<name>` links to `packages[name]`. */
export function projectWithPackages(packages: Record<string, string>): string {
  const project = makeProject({ dependencies: Object.fromEntries(Object.keys(packages).map((name) => [name, "*"])) });
  for (const [name, dir] of Object.entries(packages)) {
    const link = join(project, "node_modules", name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(resolve(dir), link, "dir");
  }
  return project;
}

/** A test database on a server of scripts/services (its URL has no password). */
export interface TeamProfileDatabase {
  url: string;
  server: { password: string };
  drop(): Promise<void>;
}

/** The fields both team-profile suites (`describeSharedProfileConformance`, `…Operations`) take alike. */
export function teamProfileFixture(db: TeamProfileDatabase, pkg: { name: string; dir: string }) {
  return {
    zenBin: ZEN_BIN,
    project: projectWithPackages({ [pkg.name]: pkg.dir }),
    url: db.url,
    password: db.server.password,
    cleanup: () => db.drop(),
  };
}
