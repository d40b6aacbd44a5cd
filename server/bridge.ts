// Wires the running bridge from a loaded config: engine, queue, notifications, HTTP app, listener.
// main.ts (the CLI's `serve`) and the integration tests both start the bridge through here.
import { mkdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createApp, type Readiness } from "./app.ts";
import type { Config } from "./config/types.ts";
import { createLogger, type Logger } from "./log.ts";
import { hasGit, selectEngine } from "./mirror/git/select-engine.ts";
import type { GitEngine } from "./mirror/git/types.ts";
import { redactor } from "./mirror/redact.ts";
import { type ResolveHost, systemResolveHost } from "./mirror/remote-policy.ts";
import { syncRepo } from "./mirror/sync.ts";
import { buildSyncMessage } from "./notify/message.ts";
import { notificationTargets } from "./notify/route-notification.ts";
import { createSlackNotifier } from "./notify/slack-sender.ts";
import { createQueue, type Queue } from "./queue/queue.ts";
import type { Job } from "./queue/types.ts";
import { currentRuntime, type Listener } from "./runtime/index.ts";
import { drainSpool } from "../hooks/spool.ts";
import { queueSubmit } from "../hooks/queue-submit.ts";

export interface BridgeOptions {
  config: Config;
  port: number;
  hostname?: string;
  /** Where log lines go (stderr by default). */
  write?: (line: string) => void;
  fetch?: typeof fetch;
  resolveHost?: ResolveHost;
  git?: GitEngine;
  /** Slack Web API base (tests point it at a local server). */
  slackApiUrl?: string;
}

export interface RunningBridge {
  url: string;
  port: number;
  queue: Queue;
  log: Logger;
  /** Readiness turns 503 first, then the queue drains (or re-queues) within the deadline. */
  stop(deadlineMs?: number): Promise<void>;
}


export async function startBridge(opts: BridgeOptions): Promise<RunningBridge> {
  const { config } = opts;
  const redact = redactor(config.secrets);
  // Batched: the lines logged within one run of microtasks (say, the webhooks one group commit
  // acknowledged) go out in one write. stop() flushes what is left.
  const log = createLogger(opts.write ?? ((l) => process.stderr.write(l)), redact, undefined, { batch: true });
  for (const w of config.warnings) log.warn(w);
  const git = opts.git ?? (await selectEngine(config.git.engine));
  const resolveHost = opts.resolveHost ?? systemResolveHost;
  await mkdir(config.workDir, { recursive: true });

  const queue = await createQueue({
    dir: join(config.workDir, "queue"),
    concurrency: config.mirror.concurrency,
    redact,
    log,
    run: (req, signal) => syncRepo({ git, resolveHost }, config, { repo: req.repo, direction: req.direction, ref: req.ref, signal }),
  });
  // Pushes a post-receive hook spooled (its worker could not deliver them) become queued jobs:
  // now, and every minute while the bridge runs.
  const drain = () =>
    drainSpool(config.workDir, queueSubmit(config, queue)).catch((err) => log.warn("hook spool drain failed", { error: String(err) }));
  await drain();
  const drainTimer = setInterval(drain, 60_000);
  (drainTimer as { unref?: () => void }).unref?.();
  const slack = createSlackNotifier({ fetch: opts.fetch ?? fetch, log, redact, slackApiUrl: opts.slackApiUrl });
  queue.onFinished((job) => void notify(job));

  async function notify(job: Job): Promise<void> {
    const repo = config.repos.find((r) => r.name === job.request.repo);
    if (!repo) return;
    const authors = Object.fromEntries(
      (job.result?.refs ?? []).filter((r) => r.author && r.to).map((r) => [r.to!, r.author!]),
    );
    const message = buildSyncMessage({
      job,
      repo,
      config,
      durationMs: job.result?.duration_ms ?? elapsed(job),
      result: job.result,
      error: job.state === "failed" ? job.error : undefined,
      authors,
    });
    if (!message) return;
    // A Slack outage never fails a sync: send() logs and returns false instead of throwing.
    await Promise.all(notificationTargets(config, repo).map((t) => slack.send(t, message)));
  }

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
    return { ok: true };
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
  });
  const hostname = opts.hostname ?? "0.0.0.0";
  const listener: Listener = await runtime.serve(app.fetch, { port: opts.port, hostname });
  const url = `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${listener.port}`;
  log.info("git-bridge listening", { url, engine: git.name, runtime: runtime.name, repos: config.repos.length });

  return {
    url,
    port: listener.port,
    queue,
    log,
    async stop(deadlineMs = config.mirror.drainTimeoutSeconds * 1000) {
      // /ready answers 503 from here on and new webhooks get 503 (not acknowledged), while
      // running syncs finish; whatever is still pending at the deadline stays journaled.
      stopping = true;
      clearInterval(drainTimer);
      await queue.close({ deadlineMs });
      await listener.close().catch(() => {});
      log.info("git-bridge stopped");
      log.flush();
    },
  };
}

const elapsed = (job: Job) => (job.started_at ? Date.now() - Date.parse(job.started_at) : 0);
