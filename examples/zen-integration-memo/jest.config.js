/** Jest in native ESM mode; swc strips the TypeScript (`npm test` type-checks first, with tsconfig.test.json). */
/** @type {import('jest').Config} */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }] },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 120000,
};
