// "Report once per new state": a repo's diverged refs (names and both tips) are reported when that
// set first appears or changes, not on every sweep; once the repo stops diverging the memory is
// cleared, so the next divergence is news again.
import type { RefStatus, RepoStatus } from "../mirror/status.ts";

export interface DivergenceTracker {
  /** The diverged refs to report for this comparison, or undefined when there is nothing new. */
  news(status: RepoStatus): RefStatus[] | undefined;
}

export function divergenceTracker(): DivergenceTracker {
  const reported = new Map<string, string>();
  return {
    news(status) {
      const diverged = status.refs.filter((r) => r.state === "diverged");
      if (diverged.length === 0) {
        reported.delete(status.repo);
        return undefined;
      }
      const key = diverged.map((r) => `${r.ref} ${r.source} ${r.target}`).join("\n");
      if (reported.get(status.repo) === key) return undefined;
      reported.set(status.repo, key);
      return diverged;
    },
  };
}
