/** Shared Jest config: native ESM, swc transpiles TypeScript, workspace packages resolve to source. */
/** @type {import('jest').Config} */
export default {
  testEnvironment: "node",
  testEnvironmentOptions: { customExportConditions: ["zen-source", "node", "node-addons"] },
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 60000,
};
