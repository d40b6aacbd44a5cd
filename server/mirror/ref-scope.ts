// Which refs a repo mirrors, and which way a pinned ref flows: pure rules over the repo's
// refs.include / refs.exclude globs and ref_overrides, shared by sync and status.
import { matchRefGlob, refOverrideFor } from "../config/ref-globs.ts";
import type { Direction, RepoConfig } from "../config/types.ts";

/** Fetch refspec patterns git understands (one `*`), widened from the include globs where needed. */
export function fetchPatterns(include: string[], refs?: string[]): string[] {
  if (refs) return refs;
  return [...new Set(include.map((g) => {
    const first = g.search(/[*?[]/);
    if (first < 0) return g;
    const simple = g.indexOf("*") === first && !/[*?[]/.test(g.slice(first + 1));
    return simple ? g : `${g.slice(0, g.lastIndexOf("/", first) + 1)}*`;
  }))];
}

/** Why `ref` is out of the repo's scope, or undefined when it is mirrored. */
export function scopeReason(repo: RepoConfig, ref: string): string | undefined {
  if (!repo.refsInclude.some((g) => matchRefGlob(g, ref))) return "not matched by refs.include";
  const ex = repo.refsExclude.find((g) => matchRefGlob(g, ref));
  return ex ? `excluded by refs.exclude ${ex}` : undefined;
}

/** The one way a ref pinned by ref_overrides may flow, with a label for reports. */
export function pinFor(repo: RepoConfig, ref: string): { direction: Direction; label: string } | undefined {
  const o = refOverrideFor(repo, ref);
  if (!o) return undefined;
  const direction: Direction = o.from === repo.source ? "source-to-target" : "target-to-source";
  return { direction, label: `${o.from} → ${o.to} (pattern ${o.pattern})` };
}
