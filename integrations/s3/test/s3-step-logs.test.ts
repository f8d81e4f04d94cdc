/** Step logs on an `s3` artifact store (versitygw): the shared case of `describeStepLogsOnStore`. */
import * as zen from "@zen/core";
import { describeStepLogsOnStore } from "@zen/test-utils/cases";
import { s3TestBucket } from "./s3-test-bucket.ts";

describeStepLogsOnStore({ zen, title: "step logs on an s3 artifact store", flavor: "s3", open: () => s3TestBucket("zen-logs") });
