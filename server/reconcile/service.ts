// The reconcile scheduler, one Service in the composition root: on every tick of
// reconcile.schedule it sweeps all repos, queues a sync (source "reconcile") for each repo a sync
// could bring closer, and reports new divergence once (log + Slack). A tick that comes while the
// previous sweep still runs is skipped, never run beside it. Timers and clock come from deps, so
// a test drives ticks without waiting.
import type { BridgeDeps } from "../deps.ts";
import type { ListRemote } from "../mirror/status.ts";
import { buildDivergedMessage } from "../notify/diverged-message.ts";
import { notificationTargets } from "../notify/route-notification.ts";
import { createSlackNotifier } from "../notify/slack-sender.ts";
import type { Service, ServiceHealth } from "../lifecycle/service.ts";
import { divergenceTracker } from "./divergence.ts";
import { cronSchedule } from "./schedule.ts";
import { sweep } from "./sweep.ts";

/** setTimeout takes at most 2^31-1 ms; a longer wait wakes early and waits again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SweepStats {
  completed: number;
  skipped: number;
  running: boolean;
  last?: { id: string; started_at: string; duration_ms: number; repos: number; drifted: number; queued: number; failed: number };
}

export interface ReconcileService extends Service {
  /** Runs one sweep now unless one is running (then resolves to false). Used by ticks and tests. */
  tick(): Promise<boolean>;
  /**
   * Compares the named repos now and records them in the snapshot, queueing nothing: how a reader
   * (the Slack status command) fills in repos no sweep has compared yet, without an ls-remote of its own.
   */
  check(repos: string[]): Promise<void>;
  stats(): SweepStats;
}

export interface ReconcileOptions {
  listRemote: ListRemote;
  slackApiUrl?: string;
}

export function reconcileService(deps: BridgeDeps, opts: ReconcileOptions): ReconcileService {
  const { config, log, clock, timers } = deps;
  const settings = config.reconcile;
  // Read only when the schedule runs: a disabled one may hold anything (tick() still works).
  const schedule = settings.enabled ? cronSchedule(settings.schedule, settings.timezone) : undefined;
  const divergence = divergenceTracker();
  const slack = createSlackNotifier({ fetch: deps.fetch, log, redact: deps.redact, slackApiUrl: opts.slackApiUrl });
  const stats: SweepStats = { completed: 0, skipped: 0, running: false };
  let timer: unknown;
  let stopped = false;
  let current: Promise<void> | undefined;
  let abort: AbortController | undefined;
  let lastError: string | undefined;
  let seq = 0;

  const arm = () => {
    if (stopped) return;
    const now = clock.now();
    const due = schedule!.nextAfter(now);
    const wait = Math.min(MAX_TIMER_MS, Math.max(1, due.getTime() - now.getTime()));
    timer = timers.setTimeout(() => {
      if (clock.now().getTime() < due.getTime() - 5) return arm(); // woke early (long waits): wait on
      arm();
      void tick();
    }, wait);
  };

  const sweepDeps = { config, git: deps.git, resolveHost: deps.resolveHost, listRemote: opts.listRemote, snapshot: deps.status.snapshot, redact: deps.redact, now: () => clock.now() };
  const runSweep = async (id: string) => {
    const started = clock.now();
    abort = new AbortController();
    log.info("reconcile sweep started", { sweep_id: id, repos: config.repos.length });
    const outcomes = await sweep(sweepDeps, config.repos, { concurrency: settings.concurrency, signal: abort.signal });
    let queued = 0, drifted = 0, failed = 0;
    for (const o of outcomes) {
      if (!o.ok) {
        failed++;
        log.warn("reconcile could not compare repo", { sweep_id: id, repo: o.repo, error: o.error });
        continue;
      }
      if (o.status.state !== "in_sync") drifted++;
      const news = divergence.news(o.status);
      if (news) {
        const repo = config.repos.find((r) => r.name === o.repo)!;
        log.warn("refs diverged", { sweep_id: id, repo: o.repo, refs: news.map((r) => ({ ref: r.ref, source: r.source, target: r.target })) });
        const message = buildDivergedMessage(repo, news);
        void Promise.all(notificationTargets(config, repo).map((t) => slack.send(t, message)));
      }
      if (o.actionable && !stopped) {
        const { jobId } = await deps.queue.enqueue({ repo: o.repo, source: "reconcile" });
        queued++;
        log.info("reconcile queued sync", { sweep_id: id, repo: o.repo, state: o.status.state, job_id: jobId });
      }
    }
    const duration = clock.now().getTime() - started.getTime();
    stats.last = { id, started_at: started.toISOString(), duration_ms: duration, repos: outcomes.length, drifted, queued, failed };
    stats.completed++;
    lastError = undefined;
    log.info("reconcile sweep finished", { sweep_id: id, repos: outcomes.length, drifted, queued, failed, duration_ms: duration });
  };

  const tick = async (): Promise<boolean> => {
    if (current || stopped) {
      if (current) {
        stats.skipped++;
        log.warn("reconcile tick skipped: the previous sweep is still running", { sweep_id: stats.last?.id });
      }
      return false;
    }
    const id = `sweep-${clock.now().getTime().toString(36)}-${++seq}`;
    stats.running = true;
    current = runSweep(id)
      .catch((err) => {
        lastError = deps.redact(String(err));
        log.error("reconcile sweep failed", { sweep_id: id, error: lastError });
      })
      .finally(() => {
        stats.running = false;
        current = undefined;
      });
    await current;
    return true;
  };

  const health = (): ServiceHealth => {
    if (lastError) return { ok: false, detail: `last sweep failed: ${lastError}` };
    const last = stats.last;
    const next = schedule!.nextAfter(clock.now()).toISOString();
    return {
      ok: true,
      detail: last
        ? `last sweep ${last.started_at}: ${last.repos} repos, ${last.drifted} drifted, ${last.queued} queued, ${last.failed} unreadable; next ${next}`
        : `no sweep yet; next ${next}`,
    };
  };

  return {
    name: "reconcile",
    async check(names) {
      await sweep(sweepDeps, config.repos.filter((r) => names.includes(r.name)), { concurrency: settings.concurrency });
    },
    start() {
      if (!settings.enabled) return;
      arm();
    },
    async stop(deadlineMs) {
      stopped = true;
      timers.clearTimeout(timer);
      if (!current) return;
      // Comparing is read-only: stopping mid-sweep loses nothing; the first tick after a restart compares again.
      abort?.abort(new Error("the bridge is stopping"));
      let t: unknown;
      await Promise.race([current, new Promise<void>((r) => (t = timers.setTimeout(r, deadlineMs)))]);
      timers.clearTimeout(t);
    },
    // Only a running schedule has something to say in /ready (a disabled one keeps /ready's
    // documented body exactly).
    ...(settings.enabled ? { health } : {}),
    tick,
    stats: () => ({ ...stats }),
  };
}
