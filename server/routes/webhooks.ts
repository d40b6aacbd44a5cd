// POST /webhook/{github,gitlab,gitea}: check the headers, read the body (body-guard.ts), verify the
// raw bytes, then parse, then match, then queue.
// Authentic events that are not for us get 200 {"status":"ignored"}: GitLab disables a hook after
// repeated 4xx answers, and a ping or an unmirrored repo is not the sender's fault.
import { type Context, Hono } from "hono";
import type { AppDeps } from "../app.ts";
import { MalformedPayloadError } from "../providers/errors.ts";
import * as github from "../providers/github/webhook.ts";
import * as gitlab from "../providers/gitlab/webhook.ts";
import * as gitea from "../providers/gitea/webhook.ts";
import { matchDelivery, toSyncRequest } from "../providers/match.ts";
import type { HeadersLike, ParsedDelivery, VerifyResult } from "../providers/types.ts";
import { refFormatProblem, showRef } from "../mirror/refname.ts";
import { type BodyGuard, createBodyGuard } from "./body-guard.ts";
import type { WebhookOutcome } from "../observe/metrics.ts";
import { requestIdOf } from "./request-id.ts";

export const MAX_BODY_BYTES = 25 * 1024 * 1024;

interface ProviderModule {
  /** What the headers alone can prove; checked before a byte of the body is read. */
  verifyHeaders(headers: HeadersLike, secret: string | undefined): VerifyResult;
  verify(raw: Uint8Array, headers: HeadersLike, secret: string | undefined): VerifyResult;
  parse(raw: Uint8Array, headers: HeadersLike): ParsedDelivery;
}

export function webhookRoutes(deps: AppDeps, guard: BodyGuard = createBodyGuard({ maxBytes: MAX_BODY_BYTES }, deps.log)): Hono {
  const app = new Hono();
  const secrets = deps.config.webhook;
  const providers: Record<string, [ProviderModule, string | undefined]> = {
    github: [github, secrets.githubSecret],
    gitlab: [gitlab, secrets.gitlabSecret],
    gitea: [gitea, secrets.giteaSecret],
  };
  const count = (c: Context, outcome: WebhookOutcome) => deps.metrics?.webhook(c.req.param("provider") ?? "", outcome);
  const rejected = (c: Context, provider: string, reason: string, bodyRead: boolean) => {
    deps.log.warn("webhook rejected", { request_id: requestIdOf(c), provider, reason });
    count(c, "unauthorized");
    // Refused before the body was read: closing spares the sender (and us) the rest of it.
    return c.json({ error: reason }, 401, bodyRead ? {} : { connection: "close" });
  };

  app.post("/webhook/:provider{github|gitlab|gitea}", async (c) => {
    const name = c.req.param("provider");
    const [provider, secret] = providers[name];
    const headers = c.req.raw.headers;
    // Unauthenticated senders must not make the bridge hold their bodies: GitLab's token, and a
    // missing or malformed signature when a secret is set, are judged from the headers.
    const early = provider.verifyHeaders(headers, secret);
    if (!early.ok) return rejected(c, name, early.reason, false);
    const read = await guard.read(c);
    if (!read.ok) {
      // Too large or too slow is the sender's fault; "too many bodies at once" (503) is ours.
      if (read.response.status === 413 || read.response.status === 408) count(c, "invalid");
      return read.response;
    }
    const raw = read.body;
    const verified = provider.verify(raw, headers, secret);
    if (!verified.ok) return rejected(c, name, verified.reason, true);
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
    // A ref git would refuse is answered here, before any matching (a hostile name may be huge),
    // and with 200: the sender is authentic, and GitLab disables hooks that keep getting 4xx.
    const refProblem = refFormatProblem(delivery.ref);
    if (refProblem) {
      const reason = `ref ${showRef(delivery.ref)} is not a valid git ref name (git check-ref-format): ${refProblem}`;
      deps.log.info("webhook ignored", { request_id: requestIdOf(c), provider: name, repo_path: delivery.repoPath, reason });
      count(c, "ignored");
      return c.json({ status: "ignored", reason });
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
