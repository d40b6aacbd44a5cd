// git's ref-format rules (git-check-ref-format(1)), applied to full ref names before any of them
// reaches a git command line or a file path. Unicode names are fine; control characters are not.
import { UnsafeInputError } from "../errors.ts";

/**
 * git sets no length limit of its own, but the files backend stores a ref as a path (PATH_MAX 4096,
 * 255 bytes a component), and GitHub and GitLab refuse names past a few hundred bytes. The bound
 * comes first so a hostile name costs nothing more than its length check.
 */
export const MAX_REF_BYTES = 1024;
const utf8 = new TextEncoder();

export function refFormatProblem(ref: string): string | undefined {
  if (ref.length > MAX_REF_BYTES || utf8.encode(ref).length > MAX_REF_BYTES) return `must not be longer than ${MAX_REF_BYTES} bytes`;
  if (!ref.startsWith("refs/")) return "must be a full ref name starting with refs/ (e.g. refs/heads/main)";
  if (/\p{Cs}/u.test(ref)) return "must be valid UTF-8 (it has an unpaired surrogate)";
  if (ref.endsWith("/") || ref.includes("//")) return "must not contain empty path components";
  if (ref.endsWith(".")) return "must not end with '.'";
  if (ref.includes("..")) return "must not contain '..'";
  if (ref.includes("@{")) return "must not contain '@{'";
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return "must not contain spaces, control characters or any of ~ ^ : ? * [ \\";
  for (const part of ref.split("/")) {
    if (part.startsWith(".")) return "no path component may start with '.'";
    if (part.endsWith(".lock")) return "no path component may end with '.lock'";
  }
  return undefined;
}

/** The ref as messages show it: quoted, and cut short when long (a hostile one may be megabytes). */
export function showRef(ref: string): string {
  return ref.length > 120 ? `${JSON.stringify(ref.slice(0, 100))}… (${ref.length} characters)` : JSON.stringify(ref);
}

export function assertRefName(ref: string): string {
  const problem = refFormatProblem(ref);
  if (problem) {
    throw new UnsafeInputError(`invalid ref name ${showRef(ref)}: ${problem}`, { ref: ref.slice(0, 200) });
  }
  return ref;
}

/** `refs/heads/main` → `main`, `refs/tags/v1` → `v1`; other refs keep their full name. */
export function shortRef(ref: string): string {
  for (const p of ["refs/heads/", "refs/tags/"]) if (ref.startsWith(p)) return ref.slice(p.length);
  return ref;
}

export const isTag = (ref: string): boolean => ref.startsWith("refs/tags/");
