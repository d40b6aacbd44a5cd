// When the next sweep is due, from reconcile.schedule through the `cron` package (5 fields, or 6
// with seconds first) in reconcile.timezone, computed from the injected clock.
import { CronTime } from "cron";

export interface Schedule {
  /** Milliseconds from `now` to the next tick (> 0). */
  delayFrom(now: Date): number;
  nextAfter(now: Date): Date;
}

export function cronSchedule(expression: string, timezone?: string): Schedule {
  const time = new CronTime(expression, timezone ?? null);
  const nextAfter = (now: Date) => time.getNextDateFrom(now, timezone).toJSDate();
  return { nextAfter, delayFrom: (now) => Math.max(1, nextAfter(now).getTime() - now.getTime()) };
}
