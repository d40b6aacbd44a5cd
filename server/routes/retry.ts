// POST /retry/mirror, as documented: 404 while no token is configured, Bearer token compared in
// constant time, `repo` is the config name, `direction` auto-resolves, `ref` is optional.
import { Hono } from "hono";
import type { AppDeps } from "../app.ts";
import type { Direction, RepoConfig } from "../config/types.ts";
import { refFormatProblem } from "../mirror/refname.ts";
import { bearerMatches } from "./bearer.ts";

const DIRECTIONS = ["source-to-target", "target-to-source", "auto"];

/** explicit, then retry_direction, then target-to-source for bidirectional repos, else the repo's own. */
export function retryDirection(repo: RepoConfig, requested: string | undefined): Direction {
  if (requested && requested !== "auto") return requested as Direction;
  if (repo.retryDirection) return repo.retryDirection;
  return repo.direction === "bidirectional" ? "target-to-source" : repo.direction;
}

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
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return c.json({ error: "the body must be a JSON object" }, 400);
    }
    const { repo: name, direction, ref } = body as Record<string, unknown>;
    if (typeof name !== "string" || name.trim() === "") {
      return c.json({ error: "repo is required: the repo's name in config.yaml" }, 400);
    }
    const repo = deps.config.repos.find((r) => r.name === name);
    if (!repo) {
      return c.json({ error: `unknown repo ${JSON.stringify(name)}; known repos: ${deps.config.repos.map((r) => r.name).join(", ")}` }, 400);
    }
    if (direction !== undefined && (typeof direction !== "string" || !DIRECTIONS.includes(direction))) {
      return c.json({ error: `direction must be one of ${DIRECTIONS.join(", ")}` }, 400);
    }
    const resolved = retryDirection(repo, direction as string | undefined);
    if (repo.direction !== "bidirectional" && resolved !== repo.direction) {
      return c.json({ error: `repo ${repo.name} mirrors ${repo.direction} only; it cannot sync ${resolved}` }, 400);
    }
    if (ref !== undefined && (typeof ref !== "string" || refFormatProblem(ref))) {
      return c.json({ error: `ref must be a full ref name such as refs/tags/v1.0.0 (${typeof ref === "string" ? refFormatProblem(ref) : "not a string"})` }, 400);
    }
    const { job } = await deps.queue.enqueue({ repo: repo.name, direction: resolved, ref: ref as string | undefined, source: "retry-api" });
    return c.json({
      status: "accepted",
      repo: repo.name,
      direction: resolved,
      ...(ref ? { ref } : {}),
      queued_at: job.queued_at.replace(/\.\d{3}Z$/, "Z"),
      job_id: job.id,
    });
  });
  return app;
}
