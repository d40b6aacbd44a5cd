// POST /hooks/post-receive: what a git-bridge post-receive hook in notify mode sends. 404 while
// hooks.secret is unset (the endpoint does not exist then); the raw bytes are verified before they
// are parsed (HMAC-SHA256 over "<timestamp>.<body>", constant time, a bounded clock skew), then
// every ref update is validated and queued like any other event.
import { repoNamed, unknownRepoMessage } from "../config/find-repo.ts";
import { pushDirection } from "../config/direction.ts";
import { Hono } from "hono";
import type { AppDeps } from "../app.ts";
import { requestIdOf } from "./request-id.ts";
import { type BodyGuard, createBodyGuard } from "./body-guard.ts";
import { hookDeliveryId, validateNotifyBody, verifyNotification } from "../../hooks/protocol.ts";

/** 10,000 ref lines of ~130 bytes fit with room to spare. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function postReceiveRoutes(deps: AppDeps, guard: BodyGuard = createBodyGuard({ maxBytes: MAX_BODY_BYTES }, deps.log)): Hono {
  const app = new Hono();
  const enabled = () => Boolean(deps.config.hooks.secret);

  app.post("/hooks/post-receive", async (c) => {
    if (!enabled()) return c.json({ error: "not found" }, 404);
    const secret = deps.config.hooks.secret!;
    // Size, deadline and crowd limits shared with the webhooks (body-guard.ts).
    const read = await guard.read(c, MAX_BODY_BYTES);
    if (!read.ok) return read.response;
    const raw = read.body;
    const verified = verifyNotification(secret, raw, c.req.raw.headers, Date.now() / 1000);
    if (!verified.ok) {
      deps.log.warn("hook notification rejected", { request_id: requestIdOf(c), reason: verified.reason });
      return c.json({ error: verified.reason }, 401);
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(raw));
    } catch {
      return c.json({ error: "invalid JSON body: send {\"repo\", \"side\", \"updates\": [{\"old\", \"new\", \"ref\"}], \"id\"}" }, 400);
    }
    const valid = validateNotifyBody(body);
    if (!valid.ok) return c.json({ error: valid.error }, 400);
    const { repo: name, side, updates, id } = valid.value;
    const repo = repoNamed(deps.config, name);
    if (!repo) return c.json({ error: unknownRepoMessage(deps.config, name) }, 400);
    const resolved = pushDirection(repo, side);
    if ("error" in resolved) return c.json({ error: resolved.error }, 400);

    // One request per ref, each with its own delivery id: a resent notification (the hook
    // retries from its spool when it never saw our answer) is then a duplicate ref by ref.
    const jobIds: string[] = [];
    let accepted = 0;
    for (const u of updates) {
      const { status, job } = await deps.queue.enqueue({
        repo: repo.name,
        ref: u.ref,
        direction: resolved.direction,
        source: "hook",
        deliveryId: hookDeliveryId(id, u.ref),
      });
      if (status === "accepted") accepted++;
      if (!jobIds.includes(job.id)) jobIds.push(job.id);
    }
    deps.log.info(accepted ? "hook notification accepted" : "hook notification duplicate", {
      request_id: requestIdOf(c),
      repo: repo.name,
      side,
      refs: updates.length,
      delivery: id,
      job_ids: jobIds,
    });
    return c.json({ status: accepted ? "accepted" : "duplicate", job_ids: jobIds });
  });
  app.all("/hooks/post-receive", (c) => {
    if (!enabled()) return c.json({ error: "not found" }, 404);
    return c.json({ error: "method not allowed: use POST" }, 405, { Allow: "POST" });
  });
  return app;
}
