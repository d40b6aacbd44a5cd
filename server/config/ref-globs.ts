// Two glob dialects, because the config has two kinds of ref patterns:
// - `refs.include` / `refs.exclude` are globs on FULL ref names where `*` crosses `/`, like the
//   `*` of a git refspec (`refs/heads/*` covers `refs/heads/feature/x`).
// - `ref_overrides[].pattern` comes from the Go git-bridge, which matched it with Go's `path.Match`
//   against the SHORT ref name, so there `*` stops at `/` ("release/*" matches "release/x" only).
import { matchShortGlob } from "./short-glob.ts";
import type { RefOverride, RepoConfig } from "./types.ts";

/**
 * Full-ref glob: `*` matches any run of characters including `/`, `?` exactly one character;
 * everything else is literal. Iterative with single-star backtracking, so hostile patterns
 * cannot blow up (no regular expressions built from config text).
 */
export function matchRefGlob(pattern: string, fullRef: string): boolean {
  const p = Array.from(pattern);
  const s = Array.from(fullRef);
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === "?" || (p[pi] !== "*" && p[pi] === s[si]))) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === "*") {
      starP = pi++;
      starS = si;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** "refs/heads/x" → "x", "refs/tags/v1" → "v1"; any other name is returned unchanged. */
export function shortRefName(ref: string): string {
  if (ref.startsWith("refs/heads/")) return ref.slice("refs/heads/".length);
  if (ref.startsWith("refs/tags/")) return ref.slice("refs/tags/".length);
  return ref;
}

/** The first ref override (in file order, as the Go bridge did) matching `ref` (full or short). */
export function refOverrideFor(repo: Pick<RepoConfig, "refOverrides">, ref: string): RefOverride | undefined {
  const short = shortRefName(ref);
  return repo.refOverrides.find((o) => matchShortGlob(o.pattern, short));
}

export { matchShortGlob, shortGlobError } from "./short-glob.ts";
