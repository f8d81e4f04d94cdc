/**
 * `zen dashboard`: serves the read-only web app of the `@zen/dashboard` package for the active
 * profile and stack. The package is optional: it is found like flavor packages are, from the project
 * (the current directory up) or next to the CLI, and when it is missing the command says what to install.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError, ZenError } from "@zen/core/command-line";
import { cliPackage } from "../cli-package.ts";
import type { Invocation } from "../command-line/spec.ts";

export const DASHBOARD_PACKAGE = "@zen/dashboard";

interface DashboardModule {
  startDashboard(options: {
    zen: unknown;
    stack?: string | undefined;
    host?: string;
    port?: number;
  }): Promise<{ url: string; token: string | undefined; close(): Promise<void> }>;
  isLoopback(host: string): boolean;
}

/** Where `@zen/dashboard` is installed: in the project first, then beside the CLI. */
export function findDashboard(cwd: string = process.cwd()): string | undefined {
  for (const base of [cwd, cliPackage().root]) {
    try {
      return createRequire(join(base, "noop.js")).resolve(DASHBOARD_PACKAGE);
    } catch {
      // not installed there
    }
  }
  return undefined;
}

function parsePort(value: unknown): number {
  const port = value === undefined ? 8237 : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`Invalid port '${String(value)}'.`, { hint: "Pass --port with a number from 0 (any free port) to 65535." });
  }
  return port;
}

export async function dashboard(command: Invocation): Promise<void> {
  const opts = command.options as { port?: string; host?: string; open?: boolean; stack?: string; quiet?: boolean };
  const port = parsePort(opts.port);
  const entry = findDashboard();
  if (!entry) {
    throw new ZenError(`The dashboard is not installed: \`zen dashboard\` needs the package ${DASHBOARD_PACKAGE}.`, {
      code: "ZEN_DASHBOARD_MISSING",
      hint: `Install it in your project (\`npm install --save-dev ${DASHBOARD_PACKAGE}\`) or next to the CLI (\`npm install -g ${DASHBOARD_PACKAGE}\`).`,
    });
  }
  const [{ openZen }, output] = await Promise.all([import("./common.ts"), import("../output.ts")]);
  const module = (await import(pathToFileURL(entry).href)) as DashboardModule;
  const zen = await openZen(command);
  const host = opts.host ?? "127.0.0.1";
  const server = await module.startDashboard({ zen, stack: opts.stack, host, port }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") {
      throw new ZenError(`Port ${port} on ${host} is already in use.`, {
        code: "ZEN_PORT_IN_USE",
        hint: "Pass another port with --port N (or --port 0 for any free port).",
      });
    }
    throw error;
  });
  if (server.token !== undefined) {
    output.warn(
      `Bound to ${host}, which is not loopback: every request needs the token in the URL below. Share it only with people who may read this profile.`,
    );
  }
  if (!opts.quiet) output.info("Read-only. Press Ctrl+C to stop.");
  output.success(`Dashboard serving at ${server.url}`);
  if (opts.open) void openBrowser(server.url);
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

async function openBrowser(url: string): Promise<void> {
  const { spawn } = await import("node:child_process");
  const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  spawn(opener, [url], { stdio: "ignore", detached: true })
    .on("error", () => {})
    .unref();
}
