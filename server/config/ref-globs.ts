// Two glob dialects, because the config has two kinds of ref patterns:
// - `refs.include` / `refs.exclude` are globs on FULL ref names where `*` crosses `/`, like the
//   `*` of a git refspec (`refs/heads/*` covers `refs/heads/feature/x`).
// - `ref_overrides[].pattern` comes from the Go git-bridge, which matched it with Go's `path.Match`
//   against the SHORT ref name, so there `*` stops at `/` ("release/*" matches "release/x" only).
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

/**
 * Go `path.Match` semantics on the short ref name: `*` is any run of non-`/` characters, `?` one
 * non-`/` character, `[...]` a class with ranges (`a-z`) and negation by `^` — and also by `!`,
 * which Go does not treat specially but shell users expect — and `\` escapes the next character.
 * A malformed pattern matches nothing (see `shortGlobError`).
 */
export function matchShortGlob(pattern: string, name: string): boolean {
  const r = goMatch(Array.from(pattern), Array.from(name));
  return r === true;
}

/** Why `pattern` is not a valid `path.Match` pattern, or undefined when it is. */
export function shortGlobError(pattern: string): string | undefined {
  return goMatch(Array.from(pattern), Array.from("x")) === BAD
    ? "it has an unclosed or empty [...] class, a bad range, or a trailing \\"
    : undefined;
}

const BAD = "bad";
type Result = boolean | typeof BAD;

// A port of Go's path.Match (src/path/match.go), working on arrays of code points.
function goMatch(pattern: string[], name: string[]): Result {
  let pat = pattern;
  let s = name;
  outer: while (pat.length > 0) {
    const { star, chunk, rest } = scanChunk(pat);
    pat = rest;
    if (star && chunk.length === 0) return !s.includes("/"); // trailing * matches the rest unless it has a /
    const first = matchChunk(chunk, s);
    if (first !== BAD && first !== false && (first.length === 0 || pat.length > 0)) {
      s = first;
      continue;
    }
    if (first === BAD) return BAD;
    if (star) {
      for (let i = 0; i < s.length && s[i] !== "/"; i++) {
        const t = matchChunk(chunk, s.slice(i + 1));
        if (t === BAD) return BAD;
        if (t !== false) {
          if (pat.length === 0 && t.length > 0) continue; // last chunk must exhaust the name
          s = t;
          continue outer;
        }
      }
    }
    // Before answering "no", make sure the rest of the pattern is well-formed (as Go does).
    while (pat.length > 0) {
      const next = scanChunk(pat);
      pat = next.rest;
      if (matchChunk(next.chunk, []) === BAD) return BAD;
    }
    return false;
  }
  return s.length === 0;
}

function scanChunk(pattern: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let star = false;
  let p = pattern;
  while (p.length > 0 && p[0] === "*") {
    p = p.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case "\\":
        if (i + 1 < p.length) i++;
        break;
      case "[":
        inRange = true;
        break;
      case "]":
        inRange = false;
        break;
      case "*":
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunk: p.slice(0, i), rest: p.slice(i) };
}

/** Matches one star-free chunk at the start of `str`: the unmatched rest, false, or BAD. */
function matchChunk(chunkIn: string[], str: string[]): string[] | false | typeof BAD {
  let chunk = chunkIn;
  let s = str;
  let failed = false; // after a mismatch keep scanning the chunk only to validate its syntax
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0];
    if (c === "[") {
      let r = "";
      if (!failed) {
        r = s[0];
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
      let negated = false;
      if (chunk.length > 0 && (chunk[0] === "^" || chunk[0] === "!")) {
        negated = true;
        chunk = chunk.slice(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === "]" && nrange > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEsc(chunk);
        if (lo === BAD) return BAD;
        chunk = lo.rest;
        let hi = lo.ch;
        if (chunk[0] === "-") {
          const h = getEsc(chunk.slice(1));
          if (h === BAD) return BAD;
          chunk = h.rest;
          hi = h.ch;
        }
        if (!failed && cp(lo.ch) <= cp(r) && cp(r) <= cp(hi)) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === "?") {
      if (!failed) {
        if (s[0] === "/") failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    } else {
      if (c === "\\") {
        chunk = chunk.slice(1);
        if (chunk.length === 0) return BAD;
      }
      if (!failed) {
        if (chunk[0] !== s[0]) failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    }
  }
  return failed ? false : s;
}

function getEsc(chunkIn: string[]): { ch: string; rest: string[] } | typeof BAD {
  let chunk = chunkIn;
  if (chunk.length === 0 || chunk[0] === "-" || chunk[0] === "]") return BAD;
  if (chunk[0] === "\\") {
    chunk = chunk.slice(1);
    if (chunk.length === 0) return BAD;
  }
  const ch = chunk[0];
  const rest = chunk.slice(1);
  if (rest.length === 0) return BAD; // a class must be closed by "]"
  return { ch, rest };
}

const cp = (ch: string): number => ch.codePointAt(0) ?? -1;
