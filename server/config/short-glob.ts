// Go `path.Match` on short ref names, in time linear in the name's length (for a given pattern).
// The earlier port sliced arrays at every character and every star position, which made one
// 30,000-character ref cost 20 s of CPU inside a webhook request. This one works on indices: each
// star tries each start position up to the next "/" once, and each try costs at most the chunk's
// length, so a match costs O(name length × pattern length) steps and the name is never copied.
// The semantics (including Go's validation of the rest of a pattern after a mismatch) are Go's.

/** Optional step counter: tests assert the work done is linear in the name's length. */
export interface GlobCounter {
  steps: number;
}

const BAD = "bad";
type Result = boolean | typeof BAD;

/**
 * `*` is any run of non-`/` characters, `?` one non-`/` character, `[...]` a class with ranges
 * (`a-z`) and negation by `^` — and also by `!`, which Go does not treat specially but shell users
 * expect — and `\` escapes the next character. A malformed pattern matches nothing.
 */
export function matchShortGlob(pattern: string, name: string, counter?: GlobCounter): boolean {
  return goMatch(Array.from(pattern), Array.from(name), counter ?? { steps: 0 }) === true;
}

/** Why `pattern` is not a valid `path.Match` pattern, or undefined when it is. */
export function shortGlobError(pattern: string): string | undefined {
  return goMatch(Array.from(pattern), ["x"], { steps: 0 }) === BAD
    ? "it has an unclosed or empty [...] class, a bad range, or a trailing \\"
    : undefined;
}

interface Chunk {
  star: boolean;
  start: number;
  end: number;
}

function goMatch(p: string[], s: string[], count: GlobCounter): Result {
  let pi = 0;
  let si = 0;
  outer: while (pi < p.length) {
    const c = scanChunk(p, pi);
    pi = c.end;
    if (c.star && c.start === c.end) return s.indexOf("/", si) < 0; // a trailing * takes the rest unless it has a /
    const first = matchChunk(p, c, s, si, count);
    if (first === BAD) return BAD;
    if (first !== false && (first === s.length || pi < p.length)) {
      si = first;
      continue;
    }
    if (c.star) {
      for (let i = si; i < s.length && s[i] !== "/"; i++) {
        const t = matchChunk(p, c, s, i + 1, count);
        if (t === BAD) return BAD;
        if (t !== false) {
          if (pi === p.length && t < s.length) continue; // the last chunk must exhaust the name
          si = t;
          continue outer;
        }
      }
    }
    // Before answering "no", make sure the rest of the pattern is well-formed (as Go does).
    while (pi < p.length) {
      const next = scanChunk(p, pi);
      pi = next.end;
      if (matchChunk(p, next, [], 0, count) === BAD) return BAD;
    }
    return false;
  }
  return si === s.length;
}

function scanChunk(p: string[], from: number): Chunk {
  let i = from;
  let star = false;
  while (i < p.length && p[i] === "*") {
    i++;
    star = true;
  }
  const start = i;
  let inRange = false;
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
  return { star, start, end: i };
}

/** Matches one star-free chunk at `s[from..]`: the index after the match, false, or BAD. */
function matchChunk(p: string[], c: Chunk, s: string[], from: number, count: GlobCounter): number | false | typeof BAD {
  let ci = c.start;
  let si = from;
  let failed = false; // after a mismatch keep scanning the chunk only to validate its syntax
  while (ci < c.end) {
    count.steps++;
    if (!failed && si >= s.length) failed = true;
    const ch = p[ci];
    if (ch === "[") {
      const r = failed ? "" : s[si++];
      ci++;
      let negated = false;
      if (ci < c.end && (p[ci] === "^" || p[ci] === "!")) {
        negated = true;
        ci++;
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        count.steps++;
        if (ci < c.end && p[ci] === "]" && nrange > 0) {
          ci++;
          break;
        }
        const lo = getEsc(p, ci, c.end);
        if (lo === BAD) return BAD;
        ci = lo.next;
        let hi = lo.ch;
        if (p[ci] === "-" && ci < c.end) {
          const h = getEsc(p, ci + 1, c.end);
          if (h === BAD) return BAD;
          ci = h.next;
          hi = h.ch;
        }
        if (!failed && cp(lo.ch) <= cp(r) && cp(r) <= cp(hi)) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (ch === "?") {
      if (!failed) {
        if (s[si] === "/") failed = true;
        si++;
      }
      ci++;
    } else {
      if (ch === "\\") {
        ci++;
        if (ci >= c.end) return BAD;
      }
      if (!failed) {
        if (p[ci] !== s[si]) failed = true;
        si++;
      }
      ci++;
    }
  }
  return failed ? false : si;
}

function getEsc(p: string[], at: number, end: number): { ch: string; next: number } | typeof BAD {
  let i = at;
  if (i >= end || p[i] === "-" || p[i] === "]") return BAD;
  if (p[i] === "\\") {
    i++;
    if (i >= end) return BAD;
  }
  const ch = p[i];
  if (i + 1 >= end) return BAD; // a class must be closed by "]"
  return { ch, next: i + 1 };
}

const cp = (ch: string): number => ch.codePointAt(0) ?? -1;
