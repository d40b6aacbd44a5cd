// `/gitbridge retry <repo> [ref] [direction]`: the same parser and direction rules as
// POST /retry/mirror, then the queue. The ephemeral "queued as job …" goes out as the HTTP answer
// (Slack's 3 s) before anything slow; a short ref needs the source's advertisement first, so that
// case acknowledges at once and answers through response_url. When the job ends, its result is
// posted to the channel, in a thread under a short public note of who asked.
import type { RespondFn } from "@slack/bolt";
import { parseRetryRequest } from "../../server/requests/retry-request.ts";
import { buildSyncMessage } from "../../server/notify/message.ts";
import { code, escapeTruncate } from "../../server/notify/mrkdwn.ts";
import type { Job } from "../../server/queue/types.ts";
import { repoNamed } from "../../server/config/find-repo.ts";
import type { BotContext } from "../context.ts";
import { postJobMessage, slackError } from "../post-job-message.ts";
import { isFullRef, lookupShortRef } from "./short-ref.ts";

export interface RetryArgs {
  repo?: string;
  ref?: string;
  direction?: string;
  user: string;
  channel: string;
}

type Ephemeral = { response_type: "ephemeral"; text: string };
const ephemeral = (text: string): Ephemeral => ({ response_type: "ephemeral", text });

/** Slack is waiting for the ack; a short ref lookup gets at most this long before it gives up. */
const LOOKUP_TIMEOUT_MS = 20_000;

export async function retryCommand(
  ctx: BotContext,
  a: RetryArgs,
  ack: (r: Ephemeral) => Promise<void>,
  respond: RespondFn,
): Promise<void> {
  const { config } = ctx.deps;
  const first = parseRetryRequest(config, { repo: a.repo, direction: a.direction }, "retry");
  if (!first.ok) {
    const closest = first.closest?.length ? `\nDid you mean: ${first.closest.map((n) => code(n, 80)).join(", ")}?` : "";
    const hint = first.field === "repo" && !a.repo ? "\nUsage: `/gitbridge retry <repo> [ref] [direction]`" : "";
    return ack(ephemeral(`❌ ${escapeTruncate(first.error, 1500)}${closest}${hint}`));
  }
  let ref = a.ref;
  let reply: (text: string) => Promise<unknown> = (text) => ack(ephemeral(text));
  if (ref !== undefined && !isFullRef(ref)) {
    const repo = first.value.repo;
    await ack(ephemeral(`🔎 Looking up ${code(ref, 100)} on ${escapeTruncate(repo.source, 60)}…`));
    reply = (text) => respond(ephemeral(text));
    try {
      const found = await lookupShortRef(ctx.deps, config, repo, first.value.direction, ref, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
      if ("error" in found) return void (await reply(`❌ ${escapeTruncate(found.error, 1500)}`));
      ref = found.ref;
    } catch (err) {
      return void (await reply(`❌ could not read the refs of ${escapeTruncate(repo.name, 80)}: ${escapeTruncate(ctx.deps.redact(String((err as Error)?.message ?? err)), 800)}. Give a full ref such as refs/tags/${escapeTruncate(ref, 80)}`));
    }
  }
  const parsed = parseRetryRequest(config, { repo: a.repo, ref, direction: a.direction }, "retry");
  if (!parsed.ok) return void (await reply(`❌ ${escapeTruncate(parsed.error, 1500)}`));
  const { repo, direction } = parsed.value;
  const queued = await ctx.deps.queue.enqueue({
    repo: repo.name,
    ...(direction ? { direction } : {}),
    ...(parsed.value.ref ? { ref: parsed.value.ref } : {}),
    source: "slack",
    actor: a.user,
  });
  const what = `${code(repo.name, 100)}${parsed.value.ref ? ` ${code(parsed.value.ref, 150)}` : ""}`;
  ctx.deps.log.info("slack: retry queued", { user: a.user, channel: a.channel, repo: repo.name, ref: parsed.value.ref, job: queued.jobId });
  await reply(`✅ Retry of ${what} queued as job ${code(queued.jobId, 60)}. The result will be posted here.`);
  // After the answer: a public note to thread the result under (fails quietly where the bot is not in the channel).
  const note = await ctx.client.chat.postMessage({
    channel: a.channel,
    text: `🔁 <@${a.user}> asked to retry ${what}: job ${code(queued.jobId, 60)}`,
  }).then((r) => r.ts, (err) => {
    ctx.deps.log.info("slack: no public note for the retry (the result goes to the requester)", { channel: a.channel, error: slackError(err) });
    return undefined;
  });
  ctx.watch.on(queued.jobId, (job) => reportResult(ctx, job, a, note, respond));
}

async function reportResult(ctx: BotContext, job: Job, a: RetryArgs, threadTs: string | undefined, respond: RespondFn): Promise<void> {
  const repo = repoNamed(ctx.deps.config, job.request.repo);
  if (!repo) return;
  const elapsed = job.started_at && job.finished_at ? Date.parse(job.finished_at) - Date.parse(job.started_at) : 0;
  const message = buildSyncMessage({
    job,
    repo,
    config: ctx.deps.config,
    durationMs: job.result?.duration_ms ?? elapsed,
    result: job.result,
    error: job.state === "failed" ? job.error : undefined,
  }) ?? {
    text: `✅ Retry of ${repo.name}: nothing to do, the mirror was already in sync (job ${job.id})`,
    blocks: [{ type: "section" as const, text: { type: "mrkdwn" as const, text: `✅ Retry of ${code(repo.name, 100)}: nothing to do, the mirror was already in sync (job ${code(job.id, 60)})` } }],
  };
  if (threadTs) {
    const posted = await postJobMessage({ ...ctx, log: ctx.deps.log, now: () => ctx.deps.clock.now() }, a.channel, message, job, threadTs);
    if (posted.ok) return;
  }
  // No thread to post in: the requester still learns the outcome (response_url lives 30 minutes).
  await respond({ response_type: "ephemeral", text: message.text, blocks: message.blocks as never });
}
