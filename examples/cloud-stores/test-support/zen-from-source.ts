/** Runs the `zen` CLI from its TypeScript sources (no build needed), for the end-to-end tests. */
import { main } from "../../../packages/cli/src/main.ts";

process.exitCode = await main(process.argv);
