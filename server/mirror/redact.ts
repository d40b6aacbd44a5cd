// Every error text that leaves the engine passes through here: known secret values, URL
// userinfo and Authorization header values are replaced before anything is shown or logged.
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  return redactWith(text, needles(secrets));
}

/** A redactor bound to a fixed list of secrets. */
export type Redactor = (text: string) => string;
export const redactor = (secrets: Iterable<string | undefined>): Redactor => {
  // The needles are worked out once: the server redacts every log line it writes.
  const list = needles(secrets);
  return (text) => redactWith(text, list);
};

/**
 * Shorter secrets cannot be redacted without mangling ordinary text, so the config refuses them
 * (server/config/secret-rules.ts) and the redactor skips them.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * The strings to replace: each secret (longest first, so one that contains another goes whole),
 * then its URL-encoded and its JSON-escaped forms (a secret with `"` or `\` inside a JSON text).
 */
function needles(secrets: Iterable<string | undefined>): string[] {
  const values = [...secrets].filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH);
  const out: string[] = [];
  for (const s of values.sort((a, b) => b.length - a.length)) {
    out.push(s);
    for (const form of [encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]) if (form !== s && !out.includes(form)) out.push(form);
  }
  return out;
}

// Global regexps are safe to share: replace() starts them from index 0 every time.
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;
const AUTHORIZATION = /\b(authorization:\s*(?:basic|bearer|token)\s+)[^\s"']+/gi;
const SIGNATURE_HEADER = /\b(x-(?:gitlab-token|hub-signature(?:-256)?|gitea-signature):\s*)[^\s"']+/gi;

function redactWith(text: string, needles: string[]): string {
  let out = text;
  for (const s of needles) if (out.includes(s)) out = out.split(s).join("***");
  return out.replace(USERINFO, "$1***@").replace(AUTHORIZATION, "$1***").replace(SIGNATURE_HEADER, "$1***");
}
