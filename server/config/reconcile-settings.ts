// reconcile.*: checked here without the `cron` package (config loading is on the path of every
// hook and CLI command, and cron + luxon cost 60-200 ms to import on a busy host): the field count
// and characters of the schedule, and the timezone through Intl. The full cron parse (value
// ranges) runs where the schedule is used: when the server starts and in `git-bridge config check`
// (server/reconcile/schedule.ts), both before anything else happens.
import { blank } from "./check-providers.ts";
import type { Report } from "./report.ts";
import type { RawConfig } from "./schema.ts";
import type { ReconcileConfig } from "./types.ts";

export const RECONCILE_DEFAULTS = { schedule: "0 */10 * * * *", concurrency: 16 } as const;

export const SCHEDULE_HINT = `5 fields, or 6 with seconds first, e.g. "*/10 * * * *"`;

export function buildReconcile(raw: RawConfig["reconcile"], report: Report): ReconcileConfig {
  const schedule = blank(raw.schedule) ?? RECONCILE_DEFAULTS.schedule;
  const timezone = blank(raw.timezone);
  if (timezone !== undefined && !isTimeZone(timezone)) {
    report.error(["reconcile", "timezone"], `reconcile.timezone must be an IANA zone such as Europe/Berlin or UTC (got ${JSON.stringify(timezone)})`);
  }
  const fields = schedule.trim().split(/\s+/);
  if ((fields.length !== 5 && fields.length !== 6) || fields.some((f) => !/^[0-9A-Za-z*/,?#-]+$/.test(f))) {
    report.error(["reconcile", "schedule"], `reconcile.schedule must be a cron expression, ${SCHEDULE_HINT} (got ${JSON.stringify(schedule)})`);
  }
  return { enabled: raw.enabled, schedule, ...(timezone ? { timezone } : {}), concurrency: raw.concurrency ?? RECONCILE_DEFAULTS.concurrency };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
