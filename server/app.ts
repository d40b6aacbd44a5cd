// createApp(deps) → Hono. HTTP handlers only translate; everything they need arrives in deps,
// built once in server/main.ts (or by a test).
import { Hono } from "hono";
import type { Config } from "./config/types.ts";
import type { Logger } from "./log.ts";
import type { Redactor } from "./mirror/redact.ts";
import type { Job, SyncRequest } from "./queue/types.ts";
import { BridgeError } from "./errors.ts";
import { healthRoutes } from "./routes/health.ts";
import { retryRoutes } from "./routes/retry.ts";
import { jobRoutes } from "./routes/jobs.ts";
import { MAX_BODY_BYTES, webhookRoutes } from "./routes/webhooks.ts";
import { createBodyGuard } from "./routes/body-guard.ts";
import { retryBodyLimit } from "./routes/retry-body.ts";
import { postReceiveRoutes } from "./routes/post-receive.ts";
import { statusRoutes } from "./routes/status.ts";
import { requestId, requestIdOf } from "./routes/request-id.ts";
import { statusPageRoutes } from "./routes/status-page.ts";
import type { BridgeMetrics } from "./observe/metrics.ts";
import type { StatusSources } from "./status/view.ts";

/** What the routes need from the queue (server/queue/queue.ts implements it). */
export interface JobQueue {
  /** `jobId` saves reading `job`, which the embedded queue copies when it is read. */
  enqueue(req: SyncRequest): Promise<{ status: "accepted" | "duplicate"; job: Job; jobId?: string }>;
  get(id: string): Job | undefined;
  /** Distributed mode: the shared job record, which any replica may have written. */
  lookup?(id: string): Promise<Job | undefined>;
  isOpen(): boolean;
}

export type Readiness =
  | { ok: true; services?: Record<string, { ok: boolean; detail?: string }> }
  | { ok: false; reason: string };

export interface AppDeps {
  config: Config;
  queue: JobQueue;
  ready: () => Promise<Readiness>;
  log: Logger;
  redact: Redactor;
  /** Webhook bodies above this are refused with 413 (default 25 MB), chunked or not. */
  maxBodyBytes?: number;
  /** The runtime's direct body reader (Runtime.readBody), given the Hono context's env. */
  readBody?: (env: unknown, signal?: AbortSignal) => Promise<Uint8Array> | undefined;
  /** A request body must arrive within this (default 30 s), else 408. */
  bodyDeadlineMs?: number;
  /** Request bodies read at once (default 64); more get 503 without being read. */
  maxConcurrentBodies?: number;
  /** The status snapshot's read side: GET /status and the page (GET /) exist when it is given. */
  status?: StatusSources;
  /** GET /metrics, and the webhook delivery counters. */
  metrics?: BridgeMetrics;
  /** The Slack app's receiver (bot/receiver.ts); absent when the app is off: /slack/events is then a 404. */
  slackEvents?: (req: Request) => Promise<Response>;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(requestId());
  app.route("/", healthRoutes(deps));
  // One guard for every route that reads a body: the limits on slow and concurrent bodies are shared.
  const guard = createBodyGuard({
    maxBytes: deps.maxBodyBytes ?? MAX_BODY_BYTES,
    readBody: deps.readBody,
    deadlineMs: deps.bodyDeadlineMs,
    maxConcurrent: deps.maxConcurrentBodies,
  }, deps.log);
  app.route("/", webhookRoutes(deps, guard));
  app.use("/retry/mirror", retryBodyLimit(deps, guard));
  app.route("/", retryRoutes(deps));
  app.route("/", jobRoutes(deps));
  app.route("/", postReceiveRoutes(deps, guard));
  if (deps.status) {
    app.route("/", statusRoutes({ token: deps.config.status.token, status: deps.status, metrics: deps.metrics }));
    app.route("/", statusPageRoutes({ token: deps.config.status.token, status: deps.status }));
  }
  const slackEvents = deps.slackEvents;
  if (slackEvents) app.post("/slack/events", (c) => slackEvents(c.req.raw));
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  // One place maps errors to HTTP: unknown failures are 500 with redacted text, never a stack.
  app.onError((err, c) => {
    // Nothing was acknowledged: a 503 tells the sender to deliver again later.
    const unavailable = err instanceof BridgeError && (err.code === "queue_closed" || err.code === "queue_unavailable");
    deps.log.error("request failed", { request_id: requestIdOf(c), path: new URL(c.req.url).pathname, error: deps.redact(String(err)) });
    if (unavailable) return c.json({ error: deps.redact((err as Error).message) }, 503);
    return c.json({ error: "internal error; see the bridge's log" }, 500);
  });
  return app;
}
