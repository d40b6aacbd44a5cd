// [Retry] and [Force from source] on a notification. A click is authorized again (the clicker,
// not whoever saw the message first), its parameters come from the server's record (never the
// button value beyond the record id), it runs once however often Slack delivers it, and the
// message is updated in place: first "queued by <@user>", then the outcome.
import type { RespondFn } from "@slack/bolt";
import { code, formatDuration } from "../../server/notify/mrkdwn.ts";
import type { Job } from "../../server/queue/types.ts";
import { authorize } from "../authorize.ts";
import type { BotContext } from "../context.ts";
import { slackError } from "../post-job-message.ts";
import { actedOn } from "../views/buttons.ts";
import type { ActionRecord, Claim } from "./records.ts";

export interface Click {
  kind: "retry" | "force";
  value: unknown;
  user: string;
  channel?: string;
  retryNum?: number;
}

const deny = (respond: RespondFn, text: string) =>
  respond({ response_type: "ephemeral", replace_original: false, text });

export async function buttonClicked(ctx: BotContext, c: Click, respond: RespondFn): Promise<void> {
  const rec = await ctx.records.get(c.value);
  if (!rec) {
    ctx.audit({ user: c.user, channel: c.channel, what: `button ${c.kind}`, reason: "no record for this button" });
    return void (await deny(respond, "🚫 This button does not belong to a message this bridge posted (or its record is gone). Nothing was run."));
  }
  const verdict = authorize(ctx.deps.config.slack, { user: c.user, channel: rec.channel }, c.kind === "force" ? "force" : "run");
  if (!verdict.ok) {
    ctx.audit({ user: c.user, channel: rec.channel, what: `button ${c.kind} on ${rec.repo}`, reason: verdict.reason });
    return void (await deny(respond, `🚫 Not allowed: ${verdict.reason}. Nothing was run.`));
  }
  if (c.kind === "force" && rec.diverged.length === 0) {
    return void (await deny(respond, "Nothing to force: no ref of this message diverged. Nothing was run."));
  }
  const claim: Claim = { action: c.kind, user: c.user, at: ctx.deps.clock.now().toISOString() };
  const won = await ctx.records.claim(rec.id, claim);
  if (!won.won) {
    ctx.deps.log.info("slack: button already handled", { user: c.user, record: rec.id, retry_num: c.retryNum, by: won.by?.user });
    // A redelivery of the same click needs no answer; a second person (or a double click) gets one.
    if (c.retryNum === undefined) {
      await deny(respond, `Already handled${won.by ? ` by <@${won.by.user}> (${won.by.action}${won.by.job ? `, job ${won.by.job}` : ""})` : ""}. Nothing else was run.`);
    }
    return;
  }
  const force = c.kind === "force";
  let queued;
  try {
    queued = await ctx.deps.queue.enqueue({
      repo: rec.repo,
      ...(rec.direction ? { direction: rec.direction } : {}),
      ...(force ? (rec.diverged.length === 1 ? { ref: rec.diverged[0] } : rec.ref ? { ref: rec.ref } : {}) : rec.ref ? { ref: rec.ref } : {}),
      ...(force ? { force: rec.diverged } : {}),
      source: "slack",
      actor: c.user,
    });
  } catch (err) {
    // Nothing started: the button stays usable.
    await ctx.records.release(rec.id);
    return void (await deny(respond, `❌ Could not queue it: ${ctx.deps.redact((err as Error)?.message ?? String(err))}. Try again in a moment.`));
  }
  await ctx.records.setClaimJob(rec.id, { ...claim, job: queued.jobId });
  ctx.deps.log.info(`slack: ${c.kind} queued from a button`, { user: c.user, repo: rec.repo, job: queued.jobId, force: force ? rec.diverged : undefined });
  const verb = force ? "Force from source" : "Retry";
  await update(ctx, rec, `${force ? "❗" : "🔁"} ${verb} by <@${c.user}>: queued as job ${code(queued.jobId, 60)}`);
  ctx.watch.on(queued.jobId, (job) => update(ctx, rec, `${force ? "❗" : "🔁"} ${verb} by <@${c.user}>: ${outcome(job)}`));
}

function outcome(job: Job): string {
  const took = job.result ? ` in ${formatDuration(job.result.duration_ms)}` : "";
  const counts = new Map<string, number>();
  for (const r of job.result?.refs ?? []) if (r.action !== "unchanged" && r.action !== "filtered") counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  const refs = [...counts].map(([a, n]) => `${n} ${a}`).join(", ");
  const icon = job.state === "succeeded" ? "✅" : job.state === "partial" ? "⚠️" : "❌";
  return `${icon} job ${code(job.id, 60)} ${job.state}${took}${refs ? ` (${refs})` : ""}`;
}

async function update(ctx: BotContext, rec: ActionRecord, line: string): Promise<void> {
  if (!rec.ts) return;
  const blocks = actedOn((rec.blocks ?? []) as never, line);
  await ctx.client.chat.update({ channel: rec.channel, ts: rec.ts, text: `${rec.text ?? ""}\n${line}`.slice(0, 3000), blocks: blocks as never })
    .catch((err) => ctx.deps.log.warn("slack: could not update the message", { channel: rec.channel, error: slackError(err) }));
}
