// reconcile.*: the schedule is parsed here, once, by the same `cron` package the scheduler uses,
// so a typo stops the bridge at start-up with the setting's position instead of never firing.
import { CronTime } from "cron";
import { blank } from "./check-providers.ts";
import type { Report } from "./report.ts";
import type { RawConfig } from "./schema.ts";
import type { ReconcileConfig } from "./types.ts";

export const RECONCILE_DEFAULTS = { schedule: "0 */10 * * * *", concurrency: 16 } as const;

export function buildReconcile(raw: RawConfig["reconcile"], report: Report): ReconcileConfig {
  const schedule = blank(raw.schedule) ?? RECONCILE_DEFAULTS.schedule;
  const timezone = blank(raw.timezone);
  if (timezone !== undefined) {
    try {
      new CronTime("* * * * *", timezone);
    } catch {
      report.error(["reconcile", "timezone"], `reconcile.timezone must be an IANA zone such as Europe/Berlin or UTC (got ${JSON.stringify(timezone)})`);
    }
  }
  try {
    new CronTime(schedule);
  } catch (err) {
    report.error(
      ["reconcile", "schedule"],
      `reconcile.schedule must be a cron expression, 5 fields or 6 with seconds first, e.g. "*/10 * * * *" ` +
        `(got ${JSON.stringify(schedule)}: ${(err as Error).message})`,
    );
  }
  return { enabled: raw.enabled, schedule, ...(timezone ? { timezone } : {}), concurrency: raw.concurrency ?? RECONCILE_DEFAULTS.concurrency };
}
