// When the next sweep is due, from reconcile.schedule through the `cron` package (5 fields, or 6
// with seconds first) in reconcile.timezone, computed from the injected clock.
import { CronTime } from "cron";
import { SCHEDULE_HINT } from "../config/reconcile-settings.ts";
import { ConfigError } from "../errors.ts";

export interface Schedule {
  /** The first tick strictly after `now`. */
  nextAfter(now: Date): Date;
}

/** Throws a ConfigError naming the setting when cron cannot read the expression or the zone. */
export function cronSchedule(expression: string, timezone?: string): Schedule {
  let time: CronTime;
  try {
    time = new CronTime(expression, timezone ?? null);
  } catch (err) {
    throw new ConfigError(
      `reconcile.schedule ${JSON.stringify(expression)}${timezone ? ` in ${timezone}` : ""} is not a cron expression cron can read ` +
        `(${(err as Error).message}); use ${SCHEDULE_HINT}`,
    );
  }
  return { nextAfter: (now) => time.getNextDateFrom(now, timezone).toJSDate() };
}
