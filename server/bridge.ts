// The composition root of the running bridge: builds the one deps object (config, engine, queue,
// log, redact, clock, timers, fetch) from a loaded config, then starts every long-lived part (the
// services: hook spool drain, and every trigger that plugs in later) and the HTTP listener, and
// stops them all in one place. main.ts (the CLI's `serve`) and the integration tests start the
// bridge through here.
import { mkdir, unlink, writeFile } from "node:fs/promises";
import { hostname as machineName } from "node:os";
import { join } from "node:path";
import { createApp, type Readiness } from "./app.ts";
import type { SlackServiceOptions } from "../bot/service.ts";
import { snapshotStatusSource } from "../bot/status-source.ts";
import type { Config } from "./config/types.ts";
import { type BridgeDeps, type Clock, systemClock, systemTimers, type Timers } from "./deps.ts";
import { type Service, serviceGroup } from "./lifecycle/service.ts";
import { sqsConsumerServices } from "./intake/sqs-consumer.ts";
import { spoolDrainService } from "./lifecycle/spool-drain.ts";
import { createLogger, type Logger } from "./log.ts";
import { hasGit, selectEngine } from "./mirror/git/select-engine.ts";
import { pinningWarning } from "./mirror/git/git-version.ts";
import type { GitEngine } from "./mirror/git/types.ts";
import { redactor } from "./mirror/redact.ts";
import { type ResolveHost, systemResolveHost } from "./mirror/remote-policy.ts";
import { syncRepo } from "./mirror/sync.ts";
import { jobNotifier } from "./notify/notify-job.ts";
import { createQueue, type Queue } from "./queue/queue.ts";
import { createFifoQueue } from "./queue/sqs-fifo/fifo-queue.ts";
import type { RunSync } from "./queue/types.ts";
import { currentRuntime, type Listener } from "./runtime/index.ts";
import { createIsomorphicEngine } from "./mirror/git/isomorphic.ts";
import { createMetrics } from "./observe/metrics.ts";
import { type ReconcileService, reconcileService } from "./reconcile/service.ts";
import { cronSchedule } from "./reconcile/schedule.ts";
import { createSnapshot, type StatusSnapshot } from "./status/snapshot.ts";

export interface BridgeOptions {
  config: Config;
  port: number;
  hostname?: string;
  /** Where log lines go (stderr by default). */
  write?: (line: string) => void;
  fetch?: typeof fetch;
  resolveHost?: ResolveHost;
  git?: GitEngine;
  /** Slack Web API base (tests point it at a local server); default slack.api_url. */
  slackApiUrl?: string;
  /** The Slack app's options (tests: no Web API retries). */
  slack?: Omit<SlackServiceOptions, "status">;
  clock?: Clock;
  timers?: Timers;
  /** The environment as the entry point read it (default: none). */
  env?: Record<string, string | undefined>;
  /** Extra services started after the built-in ones (tests, embedders). */
  services?: (deps: BridgeDeps) => Service[];
}

export interface RunningBridge {
  url: string;
  port: number;
  queue: Queue;
  log: Logger;
  deps: BridgeDeps;
  /** Per-repo state from sweeps and finished jobs (what /status, the page and /metrics show). */
  snapshot: StatusSnapshot;
  reconcile: ReconcileService;
  /** Readiness turns 503 first, then services stop and the queue drains (or re-queues) within the deadline. */
  stop(deadlineMs?: number): Promise<void>;
}

export async function startBridge(opts: BridgeOptions): Promise<RunningBridge> {
  const { config } = opts;
  const redact = redactor(config.secrets);
  // Batched: the lines logged within one run of microtasks (say, the webhooks one group commit
  // acknowledged) go out in one write. stop() flushes what is left.
  const log = createLogger(opts.write ?? ((l) => process.stderr.write(l)), redact, undefined, { batch: true });
  for (const w of config.warnings) log.warn(w);
  const git = opts.git ?? (await selectEngine(config.git.engine, hasGit, opts.env));
  if (git.name === "native" && [...config.providers.values()].some((p) => !p.allowPrivateNetwork)) {
    const w = await pinningWarning();
    if (w) log.warn(w);
  }
  const resolveHost = opts.resolveHost ?? systemResolveHost;
  // A schedule cron cannot read stops the start here, before the queue opens (exit 2).
  if (config.reconcile.enabled) cronSchedule(config.reconcile.schedule, config.reconcile.timezone);
  const clock = opts.clock ?? systemClock;
  const timers = opts.timers ?? systemTimers;
  await mkdir(config.workDir, { recursive: true });

  // Bolt and its dependencies take several times longer to load than the rest of the server: only
  // a bridge with a Slack app pays for them, and before the queue opens (see below).
  const slackModule = config.slack.botToken ? await import("../bot/service.ts") : undefined;

  const run: RunSync = (req, signal) =>
    syncRepo({ git, resolveHost }, config, {
      repo: req.repo,
      direction: req.direction,
      ref: req.ref,
      signal,
      ...(req.force?.length ? { force: req.force } : {}),
    });
  const queue: Queue = config.queue
    ? await createFifoQueue({ config: config.queue, run, log, redact, timers, now: () => clock.now(), concurrency: config.mirror.concurrency, replica: `${machineName()}:${process.pid}` })
    : await createQueue({ dir: join(config.workDir, "queue"), concurrency: config.mirror.concurrency, redact, log, now: () => clock.now(), timers, run });
  const snapshot = createSnapshot(config, redact);
  const status = { snapshot, queueStats: () => queue.stats(), now: () => clock.now() };
  const deps: BridgeDeps = { config, log, redact, git, resolveHost, fetch: opts.fetch ?? fetch, queue, clock, timers, status, env: opts.env ?? {} };
  // No await from here until the onFinished listeners are registered: jobs replayed from the
  // journal start on the queue's next tick, and their outcomes must reach Slack and the snapshot.
  const slack = slackModule
    ? slackModule.createSlackService(deps, {
      ...opts.slack,
      ...(opts.slackApiUrl ? { apiUrl: opts.slackApiUrl } : {}),
      // `/gitbridge status` reads the one snapshot; repos no sweep has compared yet are compared
      // by the reconcile service (defined below; called only once the bridge runs).
      status: snapshotStatusSource(status, (names) => reconcile.check(names)),
    })
    : undefined;
  const notify = jobNotifier(deps, {
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}),
    ...(opts.slack?.retries !== undefined ? { retries: opts.slack.retries } : {}),
    ...(slack ? { bot: { token: slack.token, post: slack.post } } : {}),
  });
  queue.onFinished((job) => void notify(job));
  const metrics = createMetrics({ repos: config.repos.map((r) => r.name), snapshot, queue, workDir: config.workDir, now: () => clock.now() });
  queue.onFinished((job) => {
    snapshot.recordJob(job);
    metrics.jobFinished(job);
  });
  // Sweeps read advertisements in-process over smart HTTP whatever the sync engine: no git
  // process per remote, and a thousand repos cost a thousand small HTTP GETs per side.
  const advertisements = createIsomorphicEngine({ fetch: deps.fetch });
  const reconcile = reconcileService(deps, {
    listRemote: (remote, patterns, o) => advertisements.listRemote(remote, patterns, o),
    slackApiUrl: opts.slackApiUrl,
  });

  const services = serviceGroup(
    [spoolDrainService(deps), reconcile, ...sqsConsumerServices(deps), ...(slack ? [slack] : []), ...(opts.services?.(deps) ?? [])],
    log,
  );
  await services.start();

  let stopping = false;
  const gitOk = git.name === "native" ? hasGit : async () => true;
  const ready = async (): Promise<Readiness> => {
    if (stopping) return { ok: false, reason: "shutting down" };
    if (!queue.isOpen()) return { ok: false, reason: "queue closed" };
    const probe = join(config.workDir, `.ready-${process.pid}`);
    try {
      await writeFile(probe, "ok");
      await unlink(probe);
    } catch (err) {
      return { ok: false, reason: `WORK_DIR ${config.workDir} is not writable: ${(err as Error).message}` };
    }
    if (!(await gitOk())) return { ok: false, reason: "git is not usable: install git or set git.engine: isomorphic" };
    return { ok: true, services: services.health() };
  };

  const runtime = await currentRuntime();
  const app = createApp({
    config,
    queue,
    ready,
    log,
    redact,
    // webhook.max_body_size_mb was parsed but never reached the route, which always used 25 MB.
    maxBodyBytes: config.webhook.maxBodySizeMb * 1024 * 1024,
    readBody: runtime.readBody,
    status,
    metrics,
    ...(slack?.handleHttp ? { slackEvents: slack.handleHttp } : {}),
  });
  const hostname = opts.hostname ?? "0.0.0.0";
  let listener: Listener;
  try {
    listener = await runtime.serve(app.fetch, { port: opts.port, hostname });
  } catch (err) {
    await services.stop(1_000);
    await queue.close({ deadlineMs: 1_000 });
    throw err;
  }
  const url = `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${listener.port}`;
  log.info("git-bridge listening", { url, engine: git.name, runtime: runtime.name, repos: config.repos.length });

  return {
    url,
    port: listener.port,
    queue,
    log,
    deps,
    snapshot,
    reconcile,
    async stop(deadlineMs = config.mirror.drainTimeoutSeconds * 1000) {
      // /ready answers 503 from here on and new webhooks get 503 (not acknowledged); triggers stop
      // taking work, running syncs finish; whatever is still pending at the deadline stays journaled.
      stopping = true;
      await services.stop(deadlineMs);
      await queue.close({ deadlineMs });
      await listener.close().catch(() => {});
      log.info("git-bridge stopped");
      log.flush();
    },
  };
}
