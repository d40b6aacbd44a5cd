// The teardown modal's submission: an approver, the org name typed exactly (otherwise the field's
// error and nothing happens), within 15 minutes, once. Then teardownPhase under the migration
// lock, and the result in the channel the command was typed in.
import { selectPhases, teardownPhase, withMigrationLock } from "../../scripts/migrate/api.ts";
import { authorize } from "../authorize.ts";
import type { BotContext } from "../context.ts";
import { slackError } from "../post-job-message.ts";
import { APPROVAL_TTL_MS, ORG_BLOCK, ORG_INPUT, orgMismatch } from "../views/migration.ts";

export type ViewAnswer = { response_action: "errors"; errors: Record<string, string> } | { response_action: "clear" };

export interface TeardownSubmission {
  recordId: unknown;
  user: string;
  values: Record<string, Record<string, { value?: string | null }>>;
}

/** Decides the modal's answer; `after` (when set) is the teardown to run after answering. */
export async function teardownSubmitted(ctx: BotContext, s: TeardownSubmission): Promise<{ answer: ViewAnswer; after?: () => Promise<void> }> {
  const fail = (text: string) => ({ answer: { response_action: "errors" as const, errors: { [ORG_BLOCK]: text } } });
  const rec = await ctx.records.get(s.recordId);
  if (!rec?.migration || rec.migration.kind !== "teardown") {
    ctx.audit({ user: s.user, what: "migration teardown", reason: "no teardown record for this modal" });
    return fail("This form does not belong to a teardown this bridge opened. Nothing was torn down.");
  }
  const { phase } = rec.migration;
  const verdict = authorize(ctx.deps.config.slack, { user: s.user, channel: rec.channel }, "approve");
  if (!verdict.ok) {
    ctx.audit({ user: s.user, channel: rec.channel, what: `migration teardown of phase ${phase}`, reason: verdict.reason });
    return fail(`Not allowed: ${verdict.reason}. Nothing was torn down.`);
  }
  if (ctx.deps.clock.now().getTime() - Date.parse(rec.created_at) > APPROVAL_TTL_MS) {
    return fail("This form expired (15 minutes). Nothing was torn down; run the command again.");
  }
  if (!ctx.migration) return fail("No migration is configured any more (migration.config).");
  const m = await ctx.migration();
  const typed = (s.values[ORG_BLOCK]?.[ORG_INPUT]?.value ?? "").trim();
  if (typed !== m.config.org) return { answer: orgMismatch(m.config.org) };
  const won = await ctx.records.claim(rec.id, { action: "teardown", user: s.user, at: ctx.deps.clock.now().toISOString() });
  if (!won.won) return { answer: { response_action: "clear" } };
  ctx.deps.log.info("slack: migration teardown confirmed", { user: s.user, phase, record: rec.id });
  const post = (text: string) =>
    ctx.client.chat.postMessage({ channel: rec.channel, text: text.slice(0, 3000) })
      .then(() => undefined, (err) => ctx.deps.log.warn("slack: could not post the teardown result", { channel: rec.channel, error: slackError(err) }));
  return {
    answer: { response_action: "clear" },
    after: async () => {
      const [p] = selectPhases(phase);
      try {
        const status = await withMigrationLock(m, () => teardownPhase(m, p));
        await post(`🧹 <@${s.user}> tore down migration phase ${p.id} (${p.title}) for ${m.config.org}: ${status}`);
      } catch (err) {
        await post(`❌ teardown of phase ${p.id} (${p.title}) failed: ${ctx.deps.redact(m.redact(slackError(err)))}`);
      }
    },
  };
}
