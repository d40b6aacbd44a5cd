// Small pure helpers for Slack text: escaping, safe truncation, code spans, links, durations.
//
// Slack mrkdwn has three control characters, `&`, `<` and `>` ("Escaping text",
// https://api.slack.com/reference/surfaces/formatting#escaping): `<…>` makes links and mentions
// (`<!channel>`, `<@U123>`, `<https://evil|click>`), so every user-controlled string (ref names,
// reasons from the remote host, author names, error text) goes through escapeMrkdwn. Everything
// else (`*`, `_`, `~`, backticks) only changes styling, which cannot notify anyone or hide a link.

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cut `text` to at most `max` UTF-16 units with "…", never inside a surrogate pair. */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return out + "…";
}

/** Escape, then cut to at most `max` units, never splitting an entity (`&amp;`) or a surrogate pair. */
export function escapeTruncate(text: string, max: number): string {
  const full = escapeMrkdwn(text);
  if (full.length <= max) return full;
  let out = "";
  for (const ch of text) {
    const e = escapeMrkdwn(ch);
    if (out.length + e.length > max - 1) break;
    out += e;
  }
  return out + "…";
}

/** One line of host output: whitespace runs (newlines from git) become one space. */
export const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

/**
 * Inline code for a user-controlled value. A backtick inside would end the span early and let the
 * rest be styled, so it becomes the look-alike U+02CB.
 */
export function code(text: string, max = 120): string {
  return "`" + escapeTruncate(text.replace(/`/g, "\u02cb"), max) + "`";
}

/** A code block for multi-line text (error output); "```" inside cannot close it early. */
export function codeBlock(text: string, max: number): string {
  return "```" + escapeTruncate(text.replace(/```/g, "`\u200b``"), max - 6) + "```";
}

/**
 * `<url|label>`. The URL is built by us from config (percent-encoded path segments), but a stray
 * `<`, `>`, `|` or space would still end the link early, so they are percent-encoded here too.
 */
export function link(url: string, label: string, max = 300): string {
  const safeUrl = url.replace(/[<>|\s]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
  return `<${escapeMrkdwn(safeUrl)}|${escapeTruncate(label.replace(/\|/g, "\u2223"), max)}>`;
}

/** `abc1234` (first 7 hex digits), or `(none)` for a missing ref. */
export const shortSha = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : "(none)");

/** `340ms`, `1.2s`, `2m 03s`, `1h 02m 03s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m ${s}s` : `${m}m ${s}s`;
}

/**
 * Join lines under a character budget and a line cap; whatever does not fit is summarised as
 * "…and N more" (which always fits: the budget reserves room for it).
 */
export function packLines(lines: string[], maxChars: number, maxLines: number, sep = "\n"): string {
  const reserve = 24;
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (kept.length >= maxLines) break;
    const cost = (kept.length ? sep.length : 0) + line.length;
    const last = kept.length + 1 === lines.length;
    if (used + cost > maxChars - (last ? 0 : reserve)) break;
    kept.push(line);
    used += cost;
  }
  const rest = lines.length - kept.length;
  return rest > 0 ? [...kept, `…and ${rest} more`].join(sep) : kept.join(sep);
}
