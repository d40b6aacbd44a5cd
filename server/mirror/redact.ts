// Every error text that leaves the engine passes through here: known secret values, URL
// userinfo and Authorization header values are replaced before anything is shown or logged.
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  const values = [...secrets].filter((s): s is string => typeof s === "string" && s.length >= 4);
  // Longest first, so a secret that contains another is replaced whole.
  for (const s of values.sort((a, b) => b.length - a.length)) {
    out = out.split(s).join("***");
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join("***");
  }
  return out
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, "$1***@")
    .replace(/\b(authorization:\s*(?:basic|bearer|token)\s+)[^\s"']+/gi, "$1***")
    .replace(/\b(x-(?:gitlab-token|hub-signature(?:-256)?|gitea-signature):\s*)[^\s"']+/gi, "$1***");
}

/** A redactor bound to a fixed list of secrets. */
export type Redactor = (text: string) => string;
export const redactor = (secrets: Iterable<string | undefined>): Redactor => {
  const list = [...secrets];
  return (text) => redact(text, list);
};
