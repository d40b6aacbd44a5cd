import { syncFailureSuite } from "./sync-failures.ts";
import { syncSuite } from "./sync-suite.ts";

syncSuite("native");
syncFailureSuite("native");
