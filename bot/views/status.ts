// `/gitbridge status [repo]` as Block Kit. Pure. Written for a phone: one short section per repo
// (state, last sync, last error on its own line), problems first. Past 40 repos every repo cannot
// get its own block (Slack allows 50 per message), so the repos that need attention keep theirs
// and the rest are summarised by state with their names packed into a few sections: nothing is
// silently cut off.
import type { SlackBlock, SlackMessage } from "../../server/notify/message.ts";
import { SLACK_LIMITS } from "../../server/notify/message.ts";
import { code, escapeTruncate, formatDuration, oneLine, packLines } from "../../server/notify/mrkdwn.ts";
import type { RepoStatusView, RepoSyncState } from "../status-source.ts";

export const DETAILED_MAX = 40;

const LABEL: Record<RepoSyncState, string> = {
  in_sync: "✅ in sync",
  behind: "⬇️ behind",
  ahead: "⬆️ ahead",
  diverged: "⚠️ diverged",
  unknown: "❓ unknown",
};
const RANK: Record<RepoSyncState, number> = { diverged: 0, unknown: 1, behind: 2, ahead: 3, in_sync: 4 };

export function statusMessage(
  repos: RepoStatusView[],
  queue: { queued: number; running: number },
  now: Date,
): SlackMessage {
  const counts = new Map<RepoSyncState, number>();
  for (const r of repos) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  const tally = (Object.keys(LABEL) as RepoSyncState[])
    .filter((s) => counts.has(s)).map((s) => `${LABEL[s]}: ${counts.get(s)}`).join(" · ");
  const queueLine = `Queue: ${queue.queued} waiting, ${queue.running} running`;
  const title = repos.length === 1 ? `git-bridge status: ${repos[0].repo}` : `git-bridge status: ${repos.length} repos`;
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: escapeHeader(title), emoji: true } },
    { type: "context", elements: [{ type: "mrkdwn", text: `${tally || "no repos configured"}\n${queueLine}` }] },
  ];
  const sorted = repos.map((r, i) => ({ r, i })).sort((a, b) => RANK[a.r.state] - RANK[b.r.state] || a.i - b.i).map((x) => x.r);
  if (repos.length <= DETAILED_MAX) {
    for (const r of sorted) blocks.push(section(repoText(r, now)));
  } else {
    // 2 blocks above; keep room for one summary section per state (5) and a divider's worth.
    const room = SLACK_LIMITS.blocks - blocks.length - 6;
    const attention = sorted.filter((r) => r.state !== "in_sync");
    const detailed = attention.slice(0, room);
    for (const r of detailed) blocks.push(section(repoText(r, now)));
    const rest = sorted.filter((r) => !detailed.includes(r));
    for (const state of Object.keys(LABEL) as RepoSyncState[]) {
      const names = rest.filter((r) => r.state === state).map((r) => escapeTruncate(r.repo, 80));
      if (names.length === 0) continue;
      blocks.push(section(`*${LABEL[state]}* (${names.length})\n${packLines(names, SLACK_LIMITS.sectionText - 80, 1000, ", ")}`));
    }
  }
  const text = [title, tally, queueLine, ...sorted.slice(0, 20).map((r) => `${r.repo}: ${LABEL[r.state]}`)].join("\n");
  return { text: text.length > 3000 ? text.slice(0, 2990) + "…" : text, blocks };
}

function repoText(r: RepoStatusView, now: Date): string {
  const lines = [`*${escapeTruncate(r.repo, 150)}*  ${LABEL[r.state]}${countsText(r)}`];
  if (r.lastSync) {
    lines.push(`Last sync ${ago(r.lastSync.at, now)}: ${r.lastSync.state} (job ${code(r.lastSync.jobId, 60)})`);
  } else {
    lines.push("Last sync: none since the bridge started");
  }
  if (r.problem) lines.push(`Could not read: ${escapeTruncate(oneLine(r.problem), 400)}`);
  if (r.lastError) lines.push(`Last error (${ago(r.lastError.at, now)}): ${escapeTruncate(oneLine(r.lastError.text), 600)}`);
  return lines.join("\n");
}

function countsText(r: RepoStatusView): string {
  if (!r.counts || r.state === "in_sync") return "";
  const parts = (["behind", "ahead", "diverged"] as const).filter((k) => r.counts![k] > 0).map((k) => `${r.counts![k]} ${k}`);
  return parts.length ? ` (${parts.join(", ")} ${parts.length === 1 && sumOf(r) === 1 ? "ref" : "refs"})` : "";
}
const sumOf = (r: RepoStatusView) => r.counts!.behind + r.counts!.ahead + r.counts!.diverged;

function ago(at: string, now: Date): string {
  const ms = now.getTime() - Date.parse(at);
  if (!Number.isFinite(ms)) return "at an unknown time";
  return `${formatDuration(Math.max(0, Math.round(ms / 1000) * 1000))} ago`;
}

const section = (text: string): SlackBlock => ({ type: "section", text: { type: "mrkdwn", text: text.slice(0, SLACK_LIMITS.sectionText) } });
const escapeHeader = (t: string) => (t.length > SLACK_LIMITS.headerText ? t.slice(0, SLACK_LIMITS.headerText - 1) + "…" : t);
