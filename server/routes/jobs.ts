// GET /jobs/:id — a job's state, timestamps and per-ref results; same Bearer token as retries.
import { Hono } from "hono";
import type { AppDeps } from "../app.ts";
import type { Job } from "../queue/types.ts";
import { bearerMatches } from "./bearer.ts";

export const jobView = (job: Job) => ({
  id: job.id,
  repo: job.request.repo,
  state: job.state,
  source: job.request.source,
  direction: job.request.direction ?? "auto",
  ...(job.request.ref ? { ref: job.request.ref } : {}),
  attempts: job.attempts,
  merged: job.merged,
  queued_at: job.queued_at,
  ...(job.started_at ? { started_at: job.started_at } : {}),
  ...(job.finished_at ? { finished_at: job.finished_at } : {}),
  ...(job.next_attempt_at ? { next_attempt_at: job.next_attempt_at } : {}),
  ...(job.result ? { duration_ms: job.result.duration_ms, refs: job.result.refs } : {}),
  ...(job.error ? { error: job.error } : {}),
});

export function jobRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/jobs/:id", async (c) => {
    const token = deps.config.retry.apiToken;
    if (!token) return c.json({ error: "not found" }, 404);
    if (!bearerMatches(c.req.header("authorization"), token)) {
      return c.json({ error: "missing or invalid Authorization header: send Authorization: Bearer <RETRY_API_TOKEN>" }, 401);
    }
    const id = c.req.param("id");
    const job = deps.queue.lookup ? await deps.queue.lookup(id) : deps.queue.get(id);
    if (!job) return c.json({ error: `unknown job ${JSON.stringify(c.req.param("id"))}` }, 404);
    return c.json(jobView(job));
  });
  return app;
}
