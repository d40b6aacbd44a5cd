// Who may do what from Slack. Pure: the config's lists in, a verdict out. Every refusal is logged
// by the caller as an audit line, and the user only sees an ephemeral denial.
import type { SlackConfig } from "../server/config/types.ts";

export type Permission = "run" | "force" | "approve";

export type AuthVerdict = { ok: true } | { ok: false; reason: string };

/**
 * run: the user is in slack.allowed_users (or the list is empty) and the channel in
 * slack.allowed_channels (or that list is empty). force: additionally in slack.approvers, which
 * must be set (no approvers configured means nobody can force from Slack). Approvers may run
 * commands even when allowed_users does not list them.
 */
export function authorize(
  slack: Pick<SlackConfig, "allowedUsers" | "allowedChannels" | "approvers">,
  who: { user: string | undefined; channel: string | undefined },
  permission: Permission,
): AuthVerdict {
  const user = who.user ?? "";
  const approver = user !== "" && slack.approvers.includes(user);
  if (slack.allowedChannels.length > 0 && !slack.allowedChannels.includes(who.channel ?? "")) {
    return { ok: false, reason: "this channel is not in slack.allowed_channels" };
  }
  if (permission === "force") {
    return approver ? { ok: true } : { ok: false, reason: "forcing over a diverged target needs an approver (slack.approvers)" };
  }
  if (permission === "approve") {
    return approver ? { ok: true } : { ok: false, reason: "approving or tearing down a migration phase needs an approver (slack.approvers)" };
  }
  if (user === "") return { ok: false, reason: "no user id in the request" };
  if (slack.allowedUsers.length > 0 && !slack.allowedUsers.includes(user) && !approver) {
    return { ok: false, reason: "you are not in slack.allowed_users" };
  }
  return { ok: true };
}
