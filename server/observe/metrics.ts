// GET /metrics through prom-client, in its own registry (two bridges in one test process must not
// share counters). Counters move as things happen (finished jobs, webhook deliveries); gauges are
// read from the status snapshot, the queue and the spool when Prometheus scrapes. Every `repo`
// label comes from the config (the snapshot lists configured repos only and jobs for unknown
// names are dropped), never from refs or request input, so the series count stays bounded.
import { readdir } from "node:fs/promises";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { spoolDir } from "../../hooks/spool.ts";
import type { Job, JobState } from "../queue/types.ts";
import type { StatusSnapshot } from "../status/snapshot.ts";

export type WebhookOutcome = "accepted" | "ignored" | "duplicate" | "unauthorized" | "invalid";
const WEBHOOK_PROVIDERS = ["github", "gitlab", "gitea"] as const;
const OUTCOMES: readonly WebhookOutcome[] = ["accepted", "ignored", "duplicate", "unauthorized", "invalid"];
const JOB_STATES: readonly JobState[] = ["queued", "running", "succeeded", "partial", "failed"];

export interface MetricsSources {
  repos: readonly string[];
  snapshot: StatusSnapshot;
  queue: { list(): Job[]; stats(): { queued: number; running: number } };
  workDir: string;
  now: () => Date;
  /** Off in tests that start many bridges; the exposition then lacks process_* series. */
  processMetrics?: boolean;
}

export interface BridgeMetrics {
  contentType: string;
  render(): Promise<string>;
  jobFinished(job: Job): void;
  webhook(provider: string, outcome: WebhookOutcome): void;
}

export function createMetrics(src: MetricsSources): BridgeMetrics {
  const registry = new Registry();
  const known = new Set(src.repos);
  if (src.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "git_bridge_" });

  const syncs = new Counter({
    name: "git_bridge_syncs_total",
    help: "Finished sync jobs by repo and result (succeeded, partial, failed).",
    labelNames: ["repo", "result"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "git_bridge_sync_duration_seconds",
    help: "Duration of finished sync jobs (the last attempt); results are counted in git_bridge_syncs_total.",
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: "git_bridge_webhook_deliveries_total",
    help: "Webhook deliveries by provider and outcome.",
    labelNames: ["provider", "outcome"] as const,
    registers: [registry],
  });
  // Zero series from the start: a rate() over a counter that appears late misses its first step.
  for (const p of WEBHOOK_PROVIDERS) for (const o of OUTCOMES) webhooks.inc({ provider: p, outcome: o }, 0);

  new Gauge({
    name: "git_bridge_queue_depth",
    help: "Sync jobs waiting to run.",
    registers: [registry],
    collect() {
      this.set(src.queue.stats().queued);
    },
  });
  new Gauge({
    name: "git_bridge_jobs",
    help: "Jobs the queue holds by state (active ones and the window of finished ones).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const counts = new Map<string, number>(JOB_STATES.map((s) => [s, 0]));
      for (const j of src.queue.list()) counts.set(j.state, (counts.get(j.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  const perRepo = (name: string, help: string, value: (r: ReturnType<StatusSnapshot["list"]>[number], now: number) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ["repo"] as const,
      registers: [registry],
      collect() {
        this.reset();
        const now = src.now().getTime();
        for (const r of src.snapshot.list()) {
          const v = value(r, now);
          if (v !== undefined) this.set({ repo: r.repo }, v);
        }
      },
    });
  perRepo("git_bridge_refs_behind", "Refs the target is behind on, per repo (last comparison).", (r) => r.refs.behind.length);
  perRepo("git_bridge_refs_ahead", "Refs the target is ahead on, per repo (last comparison).", (r) => r.refs.ahead.length);
  perRepo("git_bridge_refs_diverged", "Diverged refs per repo (last comparison).", (r) => r.refs.diverged.length);
  perRepo(
    "git_bridge_seconds_since_in_sync",
    "Seconds since both sides of the repo were last seen equal; absent until the first confirmation.",
    (r, now) => (r.in_sync_at ? Math.max(0, (now - Date.parse(r.in_sync_at)) / 1000) : undefined),
  );
  new Gauge({
    name: "git_bridge_hook_spool_depth",
    help: "Post-receive hook pushes spooled on disk, waiting to be queued.",
    registers: [registry],
    async collect() {
      const names = await readdir(spoolDir(src.workDir)).catch(() => [] as string[]);
      this.set(names.filter((n) => n.endsWith(".json")).length);
    },
  });

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    jobFinished(job) {
      if (!known.has(job.request.repo)) return;
      syncs.inc({ repo: job.request.repo, result: job.state });
      const ms = job.result?.duration_ms ??
        (job.started_at && job.finished_at ? Date.parse(job.finished_at) - Date.parse(job.started_at) : undefined);
      if (ms !== undefined) duration.observe(ms / 1000);
    },
    webhook(provider, outcome) {
      if ((WEBHOOK_PROVIDERS as readonly string[]).includes(provider)) webhooks.inc({ provider, outcome });
    },
  };
}
