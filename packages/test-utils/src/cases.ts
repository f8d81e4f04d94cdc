/**
 * `@zen/test-utils/cases`: test cases shared by several packages' suites. They register Jest tests
 * (`@jest/globals`), which only a test file may import: the main entry stays free of them, since
 * Jest's global set-up files import it too.
 */
export { describeCutReads, type CutReadFixture, type CutReadOptions, type CutReadStore } from "./cut-read-case.ts";
export { describeStepLogsOnStore, type LoggingStore, type StepLogsOnStoreOptions, type StepLogsZen } from "./step-logs-case.ts";
