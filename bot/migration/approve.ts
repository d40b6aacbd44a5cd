// [Approve] / [Reject] on a migration approval card. The clicker is authorized (an approver, not
// the requester unless slack.allow_self_approval), the card's record says which phase (never the
// button value beyond the record id), a card older than 15 minutes is expired, and the exclusive
// claim makes a double click or a redelivery run the phase once. Progress and the result go to
// the card's thread; the card itself shows who decided and the outcome (chat.update).
import type { RespondFn } from "@slack/bolt";
import { runPhase, selectPhases, withMigrationLock } from "../../scripts/migrate/api.ts";
import type { SlackBlock } from "../../server/notify/message.ts";
import { authorize } from "../authorize.ts";
import type { BotContext } from "../context.ts";
import type { ActionRecord } from "../actions/records.ts";
import { slackError } from "../post-job-message.ts";
import { APPROVAL_TTL_MS, decidedCard, threadMessage } from "../views/migration.ts";

export interface ApprovalClick {
  kind: "approve" | "reject";
  value: unknown;
  user: string;
  channel?: string;
  retryNum?: number;
}

const deny = (respond: RespondFn, text: string) => respond({ response_type: "ephemeral", replace_original: false, text });

export async function approvalClicked(ctx: BotContext, c: ApprovalClick, respond: RespondFn): Promise<void> {
  const rec = await ctx.records.get(c.value);
  const what = `migration ${c.kind}`;
  if (!rec?.migration || rec.migration.kind !== "run") {
    ctx.audit({ user: c.user, channel: c.channel, what, reason: "no approval record for this button" });
    return void (await deny(respond, "🚫 This button does not belong to an approval card this bridge posted. Nothing was run."));
  }
  const { phase, requester } = rec.migration;
  const verdict = authorize(ctx.deps.config.slack, { user: c.user, channel: rec.channel }, "approve");
  if (!verdict.ok) {
    ctx.audit({ user: c.user, channel: rec.channel, what: `${what} of phase ${phase}`, reason: verdict.reason });
    return void (await deny(respond, `🚫 Not allowed: ${verdict.reason}. Nothing was run.`));
  }
  if (c.kind === "approve" && c.user === requester && !ctx.deps.config.slack.allowSelfApproval) {
    const reason = "the requester cannot approve their own request (slack.allow_self_approval is off)";
    ctx.audit({ user: c.user, channel: rec.channel, what: `${what} of phase ${phase}`, reason });
    return void (await deny(respond, `🚫 Not allowed: ${reason}. Another approver has to approve it.`));
  }
  const now = ctx.deps.clock.now();
  const expired = now.getTime() - Date.parse(rec.created_at) > APPROVAL_TTL_MS;
  const claim = { action: expired ? "expired" as const : c.kind, user: c.user, at: now.toISOString() };
  const won = await ctx.records.claim(rec.id, claim);
  if (!won.won) {
    ctx.deps.log.info("slack: approval already handled", { user: c.user, record: rec.id, retry_num: c.retryNum, by: won.by?.user });
    if (c.retryNum === undefined) await deny(respond, `Already ${won.by?.action === "expired" ? "expired" : `handled by <@${won.by?.user ?? "?"}> (${won.by?.action ?? "?"})`}. Nothing else was run.`);
    return;
  }
  if (expired) {
    await update(ctx, rec, [`⌛ Expired: not approved within 15 minutes (clicked by <@${c.user}>). Nothing was run; ask again with \`/gitbridge migrate run ${phase}\`.`]);
    return void (await deny(respond, "⌛ This approval expired (15 minutes). Nothing was run."));
  }
  if (c.kind === "reject") {
    ctx.deps.log.info("slack: migration phase rejected", { user: c.user, phase, record: rec.id });
    return update(ctx, rec, [`🛑 Rejected by <@${c.user}>. Nothing was run.`]);
  }
  ctx.deps.log.info("slack: migration phase approved", { user: c.user, requester, phase, record: rec.id });
  const approved = `✅ Approved by <@${c.user}> (requested by <@${requester}>)`;
  await update(ctx, rec, [approved, `⏳ phase ${phase} running…`]);
  const outcome = await runApproved(ctx, rec, phase);
  await update(ctx, rec, [approved, outcome]);
}

async function runApproved(ctx: BotContext, rec: ActionRecord, phaseId: string): Promise<string> {
  // Progress lines go out one after the other, in order, without holding the phase up.
  let chain: Promise<unknown> = Promise.resolve();
  const say = (line: string, detail?: string) => (chain = chain.then(() => thread(ctx, rec, line, detail)));
  let redact = (t: string) => ctx.deps.redact(t);
  try {
    if (!ctx.migration) throw new Error("no migration is configured any more (migration.config)");
    const m = await ctx.migration();
    redact = (t: string) => ctx.deps.redact(m.redact(t));
    const [phase] = selectPhases(phaseId);
    say(`▶️ phase ${phase.id} (${phase.title}) started`);
    const status = await withMigrationLock(m, () => runPhase(m, phase, { onProgress: (p) => void say(`• ${redact(p)}`) }));
    const line = `${status === "done" ? "✅" : "⏭️"} phase ${phase.id} (${phase.title}) ${status}`;
    say(line);
    await chain;
    return line;
  } catch (err) {
    const line = `❌ phase ${phaseId} failed: ${redact(slackError(err))}`;
    say(line);
    await chain;
    return line;
  }
}

async function thread(ctx: BotContext, rec: ActionRecord, line: string, detail?: string): Promise<void> {
  if (!rec.ts) return;
  const m = threadMessage(line, detail);
  await ctx.client.chat.postMessage({ channel: rec.channel, thread_ts: rec.ts, text: m.text, blocks: m.blocks as never })
    .catch((err) => ctx.deps.log.warn("slack: could not post to the approval thread", { channel: rec.channel, error: slackError(err) }));
}

async function update(ctx: BotContext, rec: ActionRecord, lines: string[]): Promise<void> {
  if (!rec.ts) return;
  const blocks = decidedCard((rec.blocks ?? []) as SlackBlock[], lines);
  await ctx.client.chat.update({ channel: rec.channel, ts: rec.ts, text: `${rec.text ?? ""}\n${lines.join("\n")}`.slice(0, 3000), blocks: blocks as never })
    .catch((err) => ctx.deps.log.warn("slack: could not update the approval card", { channel: rec.channel, error: slackError(err) }));
}
