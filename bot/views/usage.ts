// `/gitbridge help` and the answer to an unknown subcommand. Pure.
import { escapeTruncate } from "../../server/notify/mrkdwn.ts";

export function usageText(command: string, unknown?: string): string {
  const c = command || "/gitbridge";
  return [
    ...(unknown ? [`Unknown subcommand ${"`"}${escapeTruncate(unknown.replace(/`/g, "ˋ"), 60)}${"`"}.`] : []),
    "*git-bridge commands*",
    `${"`"}${c} retry <repo> [ref] [direction]${"`"}: sync a repo now (ref: ${"`"}refs/tags/v1${"`"}, or ${"`"}v1${"`"} / ${"`"}main${"`"} when only one branch or tag has that name; direction: source-to-target, target-to-source or auto)`,
    `${"`"}${c} status [repo]${"`"}: in sync / behind / ahead / diverged, last sync and last error of every repo (or one), and the queue`,
    `${"`"}${c} migrate plan|status [phase]${"`"}: the Gitea migration's plan or state (just for you)`,
    `${"`"}${c} migrate run <phase>${"`"}: asks an approver to run a phase (an approval card); ${"`"}migrate teardown <phase>${"`"}: approvers only, after typing the org name`,
    `${"`"}${c} help${"`"}: this text`,
  ].join("\n");
}
