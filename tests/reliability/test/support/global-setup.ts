/** Fails at once, with what to do, when the CLI is not built; starts the figures of this run afresh. */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_DIR } from "./figures.ts";
import { WORKSPACE_ROOT } from "./zen-process.ts";

export default function globalSetup(): void {
  if (!existsSync(join(WORKSPACE_ROOT, "packages/cli/dist/main.js"))) {
    throw new Error(`The zen CLI is not built in ${WORKSPACE_ROOT}: run \`npx pnpm@10.34.9 build\` first.`);
  }
  rmSync(join(PACKAGE_DIR, ".figures"), { recursive: true, force: true });
}
