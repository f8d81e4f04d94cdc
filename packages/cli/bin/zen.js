#!/usr/bin/env node
// Plain JS entry: runs the compiled CLI. Commands load their code lazily, so startup stays close to bare Node.
import { main } from "../dist/main.js";

process.exitCode = await main(process.argv);
