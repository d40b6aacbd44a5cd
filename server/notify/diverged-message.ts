// The Slack message a reconcile sweep sends when a repo's refs diverge (once per new state).
import type { RepoConfig } from "../config/types.ts";
import type { RefStatus } from "../mirror/status.ts";
import type { SlackMessage } from "./message.ts";
import { code, escapeTruncate, packLines, shortSha, truncatePlain } from "./mrkdwn.ts";

export function buildDivergedMessage(repo: Pick<RepoConfig, "name" | "onDivergence">, refs: RefStatus[]): SlackMessage {
  const headline = `⚠️ Refs diverged: ${repo.name}`;
  const lines = refs.map((r) => `• ${code(r.ref)}: source ${code(shortSha(r.source))}, target ${code(shortSha(r.target))}`);
  const what = repo.onDivergence === "force"
    ? "on_divergence: force — the next sync overwrites the target."
    : "Both sides have commits the other lacks; the bridge will not overwrite the target. Merge or reset one side, then `git-bridge reconcile " +
      repo.name + "`.";
  return {
    text: escapeTruncate(`${headline}: ${refs.length} ref(s) diverged`, 300),
    blocks: [
      { type: "header", text: { type: "plain_text", text: truncatePlain(headline, 150), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: packLines(lines, 2800, 10) } },
      { type: "context", elements: [{ type: "mrkdwn", text: `Found by the scheduled reconcile. ${what}` }] },
    ],
  };
}
