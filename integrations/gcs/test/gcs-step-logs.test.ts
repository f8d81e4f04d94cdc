/** Step logs on a `gcs` artifact store (fake-gcs-server): the shared case of `describeStepLogsOnStore`. */
import * as zen from "@zen/core";
import { describeStepLogsOnStore } from "@zen/test-utils/cases";
import { gcsTestBucket } from "./gcs-test-bucket.ts";

describeStepLogsOnStore({ zen, title: "step logs on a gcs artifact store", flavor: "gcs", open: () => gcsTestBucket("zen-logs") });
