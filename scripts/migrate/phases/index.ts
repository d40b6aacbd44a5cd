// The phases in order. Run goes forward through them; teardown goes backward.
import type { PhaseDef } from "./phase.ts";
import { preflight } from "./00-preflight.ts";
import { primaryOrg } from "./01-primary-org.ts";
import { backupToken } from "./02-backup-token.ts";
import { runners } from "./03-runners.ts";
import { importRepos } from "./04-import.ts";
import { workflows } from "./05-workflows.ts";
import { pushMirrors } from "./06-push-mirrors.ts";
import { branchProtection } from "./07-branch-protection.ts";
import { githubMirrorMarks } from "./08-github-mirror-marks.ts";
import { securityChecks } from "./09-security-checks.ts";

export const PHASES: readonly PhaseDef[] = [preflight, primaryOrg, backupToken, runners, importRepos, workflows, pushMirrors, branchProtection, githubMirrorMarks, securityChecks];
