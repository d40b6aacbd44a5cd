// A clock and timers a test moves by hand, for schedulers: timeouts of at least `holdFromMs` are
// held until fireNext() (which first moves the clock to their due time); shorter ones (the
// queue's own short waits) and intervals run on real timers.
import { type Clock, systemTimers, type Timers } from "../../server/deps.ts";

export interface ManualTime {
  clock: Clock;
  timers: Timers;
  /** Held timeouts, soonest first. */
  held(): { at: Date }[];
  /** Moves the clock to the soonest held timeout and runs it. Throws when none is held. */
  fireNext(): void;
}

export function manualTime(start: Date, holdFromMs = 30_000): ManualTime {
  let now = start.getTime();
  const held: { fn: () => void; at: number }[] = [];
  const sorted = () => held.sort((a, b) => a.at - b.at);
  return {
    clock: { now: () => new Date(now) },
    timers: {
      ...systemTimers,
      setTimeout(fn, ms) {
        if (ms < holdFromMs) return systemTimers.setTimeout(fn, ms);
        const h = { fn, at: now + ms };
        held.push(h);
        return h;
      },
      clearTimeout(h) {
        const i = held.indexOf(h as (typeof held)[number]);
        if (i >= 0) held.splice(i, 1);
        else systemTimers.clearTimeout(h);
      },
    },
    held: () => sorted().map((h) => ({ at: new Date(h.at) })),
    fireNext() {
      const h = sorted().shift();
      if (!h) throw new Error("no timer is held");
      now = Math.max(now, h.at);
      h.fn();
    },
  };
}
