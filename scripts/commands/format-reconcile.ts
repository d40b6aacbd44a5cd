// Text output of `git-bridge reconcile`: one line per repo, then the refs still apart.
import type { RefStatus } from "../../server/mirror/status.ts";
import type { RepoState } from "../../server/status/snapshot.ts";

export interface ReconcileReport {
  repo: string;
  before: RepoState;
  synced: boolean;
  changes?: { ref: string; action: string }[];
  state: RepoState;
  refs: RefStatus[];
  error?: string;
}

const short = (oid: string | null) => (oid ? oid.slice(0, 7) : "-");

export function formatReconcile(reports: ReconcileReport[]): string {
  return reports.map((r) => {
    const did = r.synced ? (r.error ? "sync failed" : `synced ${r.changes?.length ?? 0} ref(s)`) : "no sync needed";
    const lines = [`${r.repo}  ${r.before} -> ${r.state}  (${r.before === "in_sync" ? "nothing to do" : did})`];
    if (r.error) lines.push(`  error: ${r.error}`);
    for (const ref of r.refs) lines.push(`  ${ref.state.padEnd(8)} ${ref.ref}  source ${short(ref.source)}  target ${short(ref.target)}`);
    return lines.join("\n");
  }).join("\n") + "\n";
}
