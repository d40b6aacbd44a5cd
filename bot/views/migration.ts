// The migration's Block Kit: the approval card for `/gitbridge migrate run <phase>` (the plan, who
// asked, [Approve] [Reject]), the card once decided, and the teardown confirmation modal that
// wants the organisation name typed. Pure; the buttons and the modal carry only a record id.
import type { SlackBlock, SlackMessage } from "../../server/notify/message.ts";
import { escapeTruncate } from "../../server/notify/mrkdwn.ts";

export const APPROVE_ACTION = "gitbridge_migrate_approve";
export const REJECT_ACTION = "gitbridge_migrate_reject";
export const APPROVAL_BLOCK = "gitbridge_migrate_buttons";
export const TEARDOWN_VIEW = "gitbridge_migrate_teardown";
export const ORG_BLOCK = "org_name";
export const ORG_INPUT = "org_name_input";
export const APPROVAL_TTL_MS = 15 * 60_000;

const plain = (text: string) => ({ type: "plain_text" as const, text: text.slice(0, 150), emoji: true });
const mention = (user: string) => `<@${user.replace(/[^A-Z0-9]/gi, "")}>`;
/** Preformatted text (format.ts output), cut to a section's 3000 characters. */
const pre = (text: string) => "```" + escapeTruncate(text.trimEnd(), 2900) + "```";

export function approvalCard(o: { phase: string; title: string; org: string; plan: string; requester: string; recordId: string; expiresAt: Date }): SlackMessage {
  const text = `${mention(o.requester)} asks to run migration phase ${o.phase} (${o.title}) for ${o.org}`;
  return {
    text: escapeTruncate(text, 2900).replace(/&lt;@(U[A-Z0-9]+)&gt;/g, "<@$1>"),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `:rocket: *Migration phase ${escapeTruncate(o.phase, 20)}: ${escapeTruncate(o.title, 200)}* for ${escapeTruncate(o.org, 100)}\nRequested by ${mention(o.requester)}` } },
      { type: "section", text: { type: "mrkdwn", text: pre(o.plan) } },
      { type: "context", elements: [{ type: "mrkdwn", text: `Needs an approver (slack.approvers). Expires <!date^${Math.floor(o.expiresAt.getTime() / 1000)}^{time}|${o.expiresAt.toISOString()}>; runs once.` }] },
      {
        type: "actions",
        block_id: APPROVAL_BLOCK,
        elements: [
          {
            type: "button",
            action_id: APPROVE_ACTION,
            text: plain("Approve"),
            value: o.recordId,
            style: "primary",
            confirm: { title: plain("Run this phase?"), text: plain(`Runs migration phase ${o.phase} against the live servers now.`), confirm: plain("Run"), deny: plain("Cancel") },
          },
          { type: "button", action_id: REJECT_ACTION, text: plain("Reject"), value: o.recordId, style: "danger" },
        ],
      },
    ] as SlackBlock[],
  };
}

/** The card with its buttons replaced by the decision and, later, the outcome. */
export function decidedCard(blocks: SlackBlock[], lines: string[]): SlackBlock[] {
  const kept = blocks.filter((b) => b.type !== "actions");
  return [...kept, ...lines.map((l) => ({ type: "context", elements: [{ type: "mrkdwn", text: escapeTruncate(l, 2900).replace(/&lt;@(U[A-Z0-9]+)&gt;/g, "<@$1>") }] }) as SlackBlock)];
}

/** A progress or result line for the card's thread; `detail` (format.ts text) is preformatted. */
export function threadMessage(line: string, detail?: string): { text: string; blocks: SlackBlock[] } {
  const blocks: SlackBlock[] = [{ type: "section", text: { type: "mrkdwn", text: escapeTruncate(line, 2900).replace(/&lt;@(U[A-Z0-9]+)&gt;/g, "<@$1>") } } as SlackBlock];
  if (detail) blocks.push({ type: "section", text: { type: "mrkdwn", text: pre(detail) } } as SlackBlock);
  return { text: escapeTruncate(line, 2900), blocks };
}

/** The teardown confirmation: what would be undone, and the org name to type. */
export function teardownModal(o: { phase: string; title: string; org: string; plan: string; recordId: string }): Record<string, unknown> {
  return {
    type: "modal",
    callback_id: TEARDOWN_VIEW,
    private_metadata: o.recordId,
    title: plain("Tear down a phase"),
    submit: plain("Tear down"),
    close: plain("Cancel"),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `:warning: *Tear down migration phase ${escapeTruncate(o.phase, 20)}: ${escapeTruncate(o.title, 200)}* for ${escapeTruncate(o.org, 100)}. This undoes:` } },
      { type: "section", text: { type: "mrkdwn", text: pre(o.plan) } },
      {
        type: "input",
        block_id: ORG_BLOCK,
        label: plain("Type the organisation name to confirm"),
        element: { type: "plain_text_input", action_id: ORG_INPUT, placeholder: plain(o.org) },
      },
    ],
  };
}

/** The view_submission answer for a typed name that is not the org: the field's error. */
export function orgMismatch(org: string): { response_action: "errors"; errors: Record<string, string> } {
  return { response_action: "errors", errors: { [ORG_BLOCK]: `Type the organisation name exactly (${org.slice(0, 100)}) to tear this phase down.` } };
}
