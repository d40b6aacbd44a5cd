// The one deps object the composition root (server/bridge.ts) builds and every long-lived part
// takes: routes, services (SQS consumers, the Slack app, the reconcile scheduler, the hook spool
// drain) and notifications. Tests build the same object with fakes or real local servers in it;
// nothing below the root reads globals for these.
import type { Config } from "./config/types.ts";
import type { Logger } from "./log.ts";
import type { GitEngine } from "./mirror/git/types.ts";
import type { Redactor } from "./mirror/redact.ts";
import type { ResolveHost } from "./mirror/remote-policy.ts";
import type { Queue } from "./queue/queue.ts";
import type { StatusSources } from "./status/view.ts";

export interface Clock {
  now(): Date;
}

/** Timer functions, injectable so a scheduler or a test can drive time. Handles are opaque. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface BridgeDeps {
  config: Config;
  log: Logger;
  redact: Redactor;
  git: GitEngine;
  resolveHost: ResolveHost;
  fetch: typeof fetch;
  queue: Queue;
  clock: Clock;
  timers: Timers;
  /**
   * The one status snapshot (per repo state, refs apart, last confirmed in sync, last job), written
   * by reconcile sweeps and finished jobs, plus queue depth. Readers (the Slack status command,
   * routes) call statusView(deps.status) or deps.status.snapshot.list()/get(repo).
   */
  status: StatusSources;
  /** The process environment as read once by the entry point. */
  env: Record<string, string | undefined>;
}

export const systemClock: Clock = { now: () => new Date() };

/** Real timers; intervals are unref'd so a forgotten one never keeps a CLI process alive. */
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    (h as { unref?: () => void }).unref?.();
    return h;
  },
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};
