import base from "../../jest.base.js";

/** Real processes by the hundred: one file at a time (the machine has 2 cores), figures printed at the end. */
export default {
  ...base,
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  globalTeardown: "<rootDir>/test/support/global-teardown.ts",
  testTimeout: 600_000,
  maxWorkers: 1,
};
