// `/gitbridge migrate plan|status|run|teardown [phase]`. plan and status answer the requester
// only; run posts an approval card (approvals/approve.ts does the rest); teardown opens a modal
// that wants the org name typed (approvals/teardown.ts). The text is the CLI's (format.ts).
import type { RespondFn } from "@slack/bolt";
import { type MigrationContext, migrationStatus, planPhase, runBlocker, selectPhases, teardownBlocker, teardownPlan } from "../../scripts/migrate/api.ts";
import { formatPlan, formatStatusTable } from "../../scripts/migrate/format.ts";
import { escapeTruncate } from "../../server/notify/mrkdwn.ts";
import { authorize } from "../authorize.ts";
import type { BotContext } from "../context.ts";
import { slackError } from "../post-job-message.ts";
import { APPROVAL_TTL_MS, approvalCard, teardownModal } from "../views/migration.ts";

type Ephemeral = { response_type: "ephemeral"; text: string };
export interface MigrateRequest {
  action?: string;
  phase?: string;
  user: string;
  channel: string;
  triggerId?: string;
}

const pre = (t: string) => "```" + escapeTruncate(t.trimEnd(), 2900) + "```";
const eph = (text: string): Ephemeral => ({ response_type: "ephemeral", text });

export async function migrateCommand(ctx: BotContext, r: MigrateRequest, ack: (a?: Ephemeral) => Promise<void>, respond: RespondFn): Promise<void> {
  if (!ctx.migration) return ack(eph("❌ No migration is configured: set `migration: { config: ./migration.yaml }` in config.yaml."));
  const action = r.action ?? "help";
  if (!["plan", "status", "run", "teardown"].includes(action)) {
    return ack(eph("Usage: `/gitbridge migrate plan [phase]`, `migrate status`, `migrate run <phase>`, `migrate teardown <phase>` (phase: preflight, 1 … 9)."));
  }
  let phases;
  try {
    phases = selectPhases(r.phase);
    if ((action === "run" || action === "teardown") && (!r.phase || phases.length !== 1)) throw new Error(`migrate ${action} needs one phase: preflight, 1 … 9`);
  } catch (err) {
    return ack(eph(`❌ ${escapeTruncate((err as Error).message, 500)}`));
  }
  if (action === "teardown") {
    const verdict = authorize(ctx.deps.config.slack, r, "approve");
    if (!verdict.ok) {
      ctx.audit({ user: r.user, channel: r.channel, what: `migrate teardown ${phases[0].id}`, reason: verdict.reason });
      return ack(eph(`🚫 Not allowed: ${verdict.reason}. Nothing was run.`));
    }
  }
  // Acknowledge within Slack's 3 s: loading the migration and planning call the live servers.
  await ack(action === "teardown" ? undefined : eph(`⏳ migrate ${action}…`));
  let m: MigrationContext | undefined;
  try {
    m = await ctx.migration();
    const phase = phases[0];
    if (action === "status") {
      const s = migrationStatus(m);
      return void (await respond({ response_type: "ephemeral", replace_original: true, text: pre(formatStatusTable(s.org, s.stateFile, s.phases)) }));
    }
    if (action === "plan") {
      const out: string[] = [];
      for (const p of phases) out.push(formatPlan(p.id, p.title, await planPhase(m, p).catch((e: Error) => ({ error: m!.redact(e.message) }))));
      return void (await respond({ response_type: "ephemeral", replace_original: true, text: pre(out.join("\n")) }));
    }
    const blocker = action === "run" ? runBlocker(m, phase) : teardownBlocker(m, phase);
    if (blocker) return void (await respond({ response_type: "ephemeral", replace_original: true, text: `❌ ${escapeTruncate(blocker, 1000)}` }));
    const now = ctx.deps.clock.now();
    if (action === "teardown") {
      const rec = await ctx.records.create({ repo: `migration:${m.config.org}`, diverged: [], job: "", channel: r.channel, created_at: now.toISOString(), migration: { kind: "teardown", phase: phase.id, requester: r.user } });
      const plan = formatPlan(phase.id, `${phase.title} (teardown)`, teardownPlan(m, phase));
      await ctx.client.views.open({ trigger_id: r.triggerId ?? "", view: teardownModal({ phase: phase.id, title: phase.title, org: m.config.org, plan, recordId: rec.id }) as never });
      return;
    }
    const plan = formatPlan(phase.id, phase.title, await planPhase(m, phase).catch((e: Error) => ({ error: m!.redact(e.message) })));
    const channel = ctx.deps.config.slack.approvalsChannel ?? r.channel;
    const rec = await ctx.records.create({ repo: `migration:${m.config.org}`, diverged: [], job: "", channel, created_at: now.toISOString(), migration: { kind: "run", phase: phase.id, requester: r.user } });
    const card = approvalCard({ phase: phase.id, title: phase.title, org: m.config.org, plan, requester: r.user, recordId: rec.id, expiresAt: new Date(now.getTime() + APPROVAL_TTL_MS) });
    const posted = await ctx.client.chat.postMessage({ channel, text: card.text, blocks: card.blocks as never });
    await ctx.records.update({ ...rec, ts: posted.ts, text: card.text, blocks: card.blocks });
    ctx.deps.log.info("slack: migration approval requested", { user: r.user, phase: phase.id, channel, record: rec.id });
    await respond({ response_type: "ephemeral", replace_original: true, text: `📨 Approval for phase ${phase.id} requested in <#${channel}>; it expires in 15 minutes.` });
  } catch (err) {
    // The migration's own secrets (GitHub token, admin passwords) are not in config.yaml's list.
    const msg = ctx.deps.redact(m ? m.redact(slackError(err)) : slackError(err));
    ctx.deps.log.warn("slack: migrate command failed", { action, error: msg });
    await respond({ response_type: "ephemeral", text: `❌ migrate ${action} failed: ${escapeTruncate(msg, 1000)}` });
  }
}
