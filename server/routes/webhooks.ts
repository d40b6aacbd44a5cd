// POST /webhook/{github,gitlab,gitea}: verify the raw bytes, then parse, then match, then queue.
// Authentic events that are not for us get 200 {"status":"ignored"}: GitLab disables a hook after
// repeated 4xx answers, and a ping or an unmirrored repo is not the sender's fault.
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppDeps } from "../app.ts";
import { MalformedPayloadError } from "../providers/errors.ts";
import * as github from "../providers/github/webhook.ts";
import * as gitlab from "../providers/gitlab/webhook.ts";
import * as gitea from "../providers/gitea/webhook.ts";
import { matchDelivery, toSyncRequest } from "../providers/match.ts";
import type { HeadersLike, ParsedDelivery, VerifyResult } from "../providers/types.ts";
import type { WebhookOutcome } from "../observe/metrics.ts";
import { requestIdOf } from "./request-id.ts";

export const MAX_BODY_BYTES = 25 * 1024 * 1024;

interface ProviderModule {
  verify(raw: Uint8Array, headers: HeadersLike, secret: string | undefined): VerifyResult;
  parse(raw: Uint8Array, headers: HeadersLike): ParsedDelivery;
}

export function webhookRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  const secrets = deps.config.webhook;
  const providers: Record<string, [ProviderModule, string | undefined]> = {
    github: [github, secrets.githubSecret],
    gitlab: [gitlab, secrets.gitlabSecret],
    gitea: [gitea, secrets.giteaSecret],
  };
  const maxSize = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  const count = (c: Context, outcome: WebhookOutcome) => deps.metrics?.webhook(c.req.param("provider") ?? "", outcome);
  const tooLarge = (c: Context) => (count(c, "invalid"), c.json({ error: `request body too large (limit ${Math.round(maxSize / 1048576)} MB)` }, 413));
  const streamingLimit = bodyLimit({ maxSize, onError: tooLarge });
  // A declared Content-Length (without Transfer-Encoding) is checked from the header alone, as
  // hono's bodyLimit does, but without touching c.req.raw.body: on @hono/node-server that getter
  // builds a whole web Request and ReadableStream per delivery, and c.req.arrayBuffer() then
  // reads through them. Measured by bench/webhook.bench.ts. Chunked bodies still go through
  // bodyLimit, which counts the bytes as they arrive (CVE-2025-59139).
  const declaredLength = (c: Context): number | undefined => {
    const length = c.req.header("content-length");
    const fixed = length !== undefined && /^[0-9]+$/.test(length) && c.req.header("transfer-encoding") === undefined;
    return fixed ? Number(length) : undefined;
  };
  const limit: MiddlewareHandler = (c, next) => {
    const length = declaredLength(c);
    if (length !== undefined) return length > maxSize ? Promise.resolve(tooLarge(c)) : next();
    return streamingLimit(c, next);
  };
  // With a checked Content-Length the runtime may hand over the body without copying it (the
  // node adapter does); a chunked body always goes through bodyLimit's counting stream.
  const body = async (c: Context): Promise<Uint8Array> => {
    const direct = deps.readBody && declaredLength(c) !== undefined ? deps.readBody(c.env) : undefined;
    return direct ? await direct : new Uint8Array(await c.req.arrayBuffer());
  };

  app.post("/webhook/:provider{github|gitlab|gitea}", limit, async (c) => {
    const name = c.req.param("provider");
    const [provider, secret] = providers[name];
    const raw = await body(c);
    const headers = c.req.raw.headers;
    const verified = provider.verify(raw, headers, secret);
    if (!verified.ok) {
      deps.log.warn("webhook rejected", { request_id: requestIdOf(c), provider: name, reason: verified.reason });
      count(c, "unauthorized");
      return c.json({ error: verified.reason }, 401);
    }
    let delivery: ParsedDelivery;
    try {
      delivery = provider.parse(raw, headers);
    } catch (err) {
      if (err instanceof MalformedPayloadError) {
        count(c, "invalid");
        return c.json({ error: err.message }, 400);
      }
      throw err;
    }
    if (delivery.kind === "ignored") {
      count(c, "ignored");
      return c.json({ status: "ignored", reason: delivery.reason });
    }
    const match = matchDelivery(deps.config, delivery);
    if ("ignored" in match) {
      deps.log.info("webhook ignored", { request_id: requestIdOf(c), provider: name, repo_path: delivery.repoPath, reason: match.ignored });
      count(c, "ignored");
      return c.json({ status: "ignored", reason: match.ignored });
    }
    const answer = await deps.queue.enqueue(toSyncRequest(match, delivery));
    const status = answer.status;
    const jobId = answer.jobId ?? answer.job.id;
    deps.log.info(status === "duplicate" ? "webhook duplicate" : "webhook accepted", {
      request_id: requestIdOf(c),
      provider: name,
      repo: match.repo.name,
      ref: delivery.ref,
      direction: match.direction,
      actor: delivery.actor,
      delivery: delivery.deliveryId,
      job_id: jobId,
    });
    count(c, status);
    return c.json({ status, job_id: jobId });
  });
  app.all("/webhook/:provider{github|gitlab|gitea}", (c) => c.json({ error: "method not allowed: use POST" }, 405, { Allow: "POST" }));
  return app;
}
