// git's ref-format rules (git-check-ref-format(1)), applied to full ref names before any of them
// reaches a git command line or a file path. Unicode names are fine; control characters are not.
import { UnsafeInputError } from "../errors.ts";

export function refFormatProblem(ref: string): string | undefined {
  if (!ref.startsWith("refs/")) return "must be a full ref name starting with refs/ (e.g. refs/heads/main)";
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

export function assertRefName(ref: string): string {
  const problem = refFormatProblem(ref);
  if (problem) {
    throw new UnsafeInputError(`invalid ref name ${JSON.stringify(ref)}: ${problem}`, { ref });
  }
  return ref;
}

/** `refs/heads/main` → `main`, `refs/tags/v1` → `v1`; other refs keep their full name. */
export function shortRef(ref: string): string {
  for (const p of ["refs/heads/", "refs/tags/"]) if (ref.startsWith(p)) return ref.slice(p.length);
  return ref;
}

export const isTag = (ref: string): boolean => ref.startsWith("refs/tags/");
