// Posts a job's notification through the bot (Bolt's Web API client). Failure and divergence
// messages get [Retry] (and [Force from source] for refs that diverged on a one-way route); the
// record behind those buttons is written before the post and completed with the message's ts.
import type { WebClient } from "@slack/web-api";
import type { Direction } from "../server/config/types.ts";
import type { Logger } from "../server/log.ts";
import type { SlackMessage } from "../server/notify/message.ts";
import type { Job } from "../server/queue/types.ts";
import type { ActionRecords } from "./actions/records.ts";
import { withButtons } from "./views/buttons.ts";

export interface PostDeps {
  client: WebClient;
  records: ActionRecords;
  log: Logger;
  now: () => Date;
}

/** Refs a Force may overwrite: diverged with one authoritative direction (the planner's rule). */
export function forceableRefs(job: Pick<Job, "result">): string[] {
  return (job.result?.refs ?? []).filter((r) => r.action === "diverged" && r.direction).map((r) => r.ref);
}

export const needsButtons = (job: Pick<Job, "state">) => job.state === "failed" || job.state === "partial";

export async function postJobMessage(
  d: PostDeps,
  channel: string,
  message: SlackMessage,
  job: Job,
  threadTs?: string,
): Promise<{ ok: boolean; ts?: string; channel?: string }> {
  let out = message;
  let rec;
  if (needsButtons(job)) {
    const diverged = forceableRefs(job);
    const direction = job.request.direction === "auto" ? undefined : job.request.direction as Direction | undefined;
    rec = await d.records.create({
      repo: job.request.repo,
      ...(job.request.ref ? { ref: job.request.ref } : {}),
      ...(direction ? { direction } : {}),
      diverged,
      job: job.id,
      channel,
      created_at: d.now().toISOString(),
    });
    out = withButtons(message, rec.id, diverged);
  }
  try {
    const res = await d.client.chat.postMessage({
      channel,
      text: out.text,
      blocks: out.blocks as never,
      unfurl_links: false,
      unfurl_media: false,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    if (rec && res.ts) await d.records.update({ ...rec, channel: res.channel ?? channel, ts: res.ts, text: out.text, blocks: out.blocks });
    return { ok: true, ...(res.ts ? { ts: res.ts } : {}), channel: res.channel ?? channel };
  } catch (err) {
    d.log.warn("slack notification not delivered", { target: `chat.postMessage to channel ${channel}`, error: slackError(err) });
    return { ok: false };
  }
}

/** `not_in_channel`, `channel_not_found`, or the transport error; never the request (it has the token). */
export function slackError(err: unknown): string {
  const e = err as { data?: { error?: string }; code?: string; message?: string };
  return e?.data?.error ?? e?.message ?? e?.code ?? String(err);
}
