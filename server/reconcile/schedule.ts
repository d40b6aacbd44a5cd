// When the next sweep is due, from reconcile.schedule through the `cron` package (5 fields, or 6
// with seconds first) in reconcile.timezone, computed from the injected clock.
import { CronTime } from "cron";

export interface Schedule {
  /** The first tick strictly after `now`. */
  nextAfter(now: Date): Date;
}

export function cronSchedule(expression: string, timezone?: string): Schedule {
  const time = new CronTime(expression, timezone ?? null);
  return { nextAfter: (now) => time.getNextDateFrom(now, timezone).toJSDate() };
}
