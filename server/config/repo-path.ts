// Repository paths end up in URLs and git command lines, so anything that could change the URL's
// meaning (dot segments, query, fragment, backslash path tricks) or read as a command-line option
// (leading "-") is refused rather than escaped.

/** Why `path` is not a safe repository path, or undefined when it is. */
export function repoPathProblem(path: string): string | undefined {
  if (path === "") return "must not be empty";
  if (path.startsWith("-")) return `must not start with "-" (git would read it as an option)`;
  if (path.startsWith("/")) return `must not start with "/"; write it relative to the host, e.g. team/app`;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return "must not contain control characters (NUL, newline, tab, …)";
  if (path.includes("\\")) {
    return `must not contain "\\" (some servers treat it as "/"); use "/" between segments`;
  }
  if (path.includes("?")) return `must not contain "?" (it would start a URL query)`;
  if (path.includes("#")) return `must not contain "#" (it would start a URL fragment)`;
  const segments = path.split("/");
  if (segments.some((s) => s === "..")) {
    return `must not contain ".." segments (they would climb out of the host's path)`;
  }
  if (segments.some((s) => s === ".")) return `must not contain "." segments`;
  if (segments.some((s) => s === "")) return `must not contain empty segments ("//" or a trailing "/")`;
  return undefined;
}
