// Human-readable output: a short table a person can read at a glance. Pure, so tests pin it.
import type { SyncResult } from "../../server/mirror/sync.ts";
import type { RepoStatus } from "../../server/mirror/status.ts";

const short = (oid: string | null) => (oid ? oid.slice(0, 7) : "-");

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length)));
  return rows.map((r) => "  " + r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i] - [...c].length))).join("  ").trimEnd()).join("\n");
}

export function formatSync(r: SyncResult): string {
  const shown = r.refs.filter((x) => x.action !== "unchanged" || x.reason);
  const unchanged = r.refs.length - shown.length;
  const head = `${r.repo}  ${r.direction}  ${(r.duration_ms / 1000).toFixed(1)}s`;
  const counts = new Map<string, number>();
  for (const x of r.refs) counts.set(x.action, (counts.get(x.action) ?? 0) + 1);
  const summary = [...counts].map(([a, n]) => `${n} ${a}`).join(", ") || "no refs in scope";
  if (shown.length === 0) return `${head}\n  ${summary}\n`;
  const rows = [["REF", "ACTION", "FROM", "TO", "NOTE"], ...shown.map((x) => [
    x.ref,
    x.action,
    short(x.from),
    short(x.to),
    [x.reason, x.backup ? `old tip kept at ${x.backup}` : ""].filter(Boolean).join("; "),
  ])];
  return `${head}\n${table(rows)}\n  ${summary}${unchanged ? ` (${unchanged} unchanged not listed)` : ""}\n`;
}

export function formatStatus(statuses: RepoStatus[]): string {
  return statuses.map((s) => {
    const off = s.refs.filter((r) => r.state !== "in_sync");
    const head = `${s.repo}  ${s.state}  (${s.refs.length - off.length}/${s.refs.length} refs in sync)`;
    if (off.length === 0) return head;
    const rows = [["REF", "STATE", "SOURCE", "TARGET"], ...off.map((r) => [r.ref, r.state, short(r.source), short(r.target)])];
    return `${head}\n${table(rows)}`;
  }).join("\n") + "\n";
}
