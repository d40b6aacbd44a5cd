// POST /retry/mirror, as documented: 404 while no token is configured, Bearer token compared in
// constant time, `repo` is the config name, `direction` auto-resolves, `ref` is optional. The body
// is parsed by the one retry parser the CLI and Slack share.
import { Hono } from "hono";
import type { AppDeps } from "../app.ts";
import { parseRetryRequest } from "../requests/retry-request.ts";
import { bearerMatches } from "./bearer.ts";

export function retryRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.all("/retry/mirror", async (c) => {
    const token = deps.config.retry.apiToken;
    if (!token) return c.json({ error: "not found" }, 404);
    if (c.req.method !== "POST") return c.json({ error: "method not allowed: use POST" }, 405, { Allow: "POST" });
    if (!bearerMatches(c.req.header("authorization"), token)) {
      return c.json({ error: "missing or invalid Authorization header: send Authorization: Bearer <RETRY_API_TOKEN>" }, 401);
    }
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return c.json({ error: "invalid JSON body: send {\"repo\": \"<name>\", \"direction\"?: …, \"ref\"?: …}" }, 400);
    }
    const parsed = parseRetryRequest(deps.config, body, "retry");
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    const { repo, direction, ref } = parsed.value;
    const { job } = await deps.queue.enqueue({ repo: repo.name, direction, ref, source: "retry-api" });
    return c.json({
      status: "accepted",
      repo: repo.name,
      direction,
      ...(ref ? { ref } : {}),
      queued_at: job.queued_at.replace(/\.\d{3}Z$/, "Z"),
      job_id: job.id,
    });
  });
  return app;
}
