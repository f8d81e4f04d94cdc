#!/usr/bin/env node
// The zen command. CommonJS on purpose: `require` loads the compiled CLI (ES modules) synchronously,
// file reads included, where an ES-module entry reads each file through fs/promises (~2 ms more).
// Commands load their code lazily, so start-up stays close to bare Node.
require("../dist/main.js")
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
