// The buttons a failure or divergence notification carries, and what replaces them once someone
// acted. Pure. The value is only the id of the server's record (actions/records.ts).
import type { ButtonElement, SlackBlock, SlackMessage } from "../../server/notify/message.ts";
import { escapeTruncate } from "../../server/notify/mrkdwn.ts";

export const RETRY_ACTION = "gitbridge_retry";
export const FORCE_ACTION = "gitbridge_force";
export const BUTTONS_BLOCK = "gitbridge_buttons";

const plain = (text: string) => ({ type: "plain_text" as const, text, emoji: true });

/** [Retry] for failures and divergence; [Force from source] too when refs diverged. */
export function withButtons(message: SlackMessage, recordId: string, diverged: string[]): SlackMessage {
  const elements: ButtonElement[] = [
    { type: "button", action_id: RETRY_ACTION, text: plain("Retry"), value: recordId, style: "primary" },
  ];
  if (diverged.length > 0) {
    const names = diverged.slice(0, 5).join(", ") + (diverged.length > 5 ? ` and ${diverged.length - 5} more` : "");
    elements.push({
      type: "button",
      action_id: FORCE_ACTION,
      text: plain("Force from source"),
      value: recordId,
      style: "danger",
      confirm: {
        title: plain("Overwrite the target?"),
        text: plain(`Overwrites ${names.slice(0, 250)} on the target with the source. The target's current tip is kept as a backup ref in the bridge's cache.`),
        confirm: plain("Force"),
        deny: plain("Cancel"),
      },
    });
  }
  return { ...message, blocks: [...message.blocks, { type: "actions", block_id: BUTTONS_BLOCK, elements }] };
}

/** The posted message with its buttons replaced by who did what (chat.update). */
export function actedOn(blocks: SlackBlock[], line: string): SlackBlock[] {
  const kept = blocks.filter((b) => b.type !== "actions");
  return [...kept, { type: "context", elements: [{ type: "mrkdwn", text: escapeTruncate(line, 2900).replace(/&lt;@(U[A-Z0-9]+)&gt;/g, "<@$1>") }] }];
}
