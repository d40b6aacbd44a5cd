// Slack's request signing ("Verifying requests from Slack", https://api.slack.com/authentication/verifying-requests-from-slack):
// X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing_secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body)).
// A timestamp more than five minutes away from now, in either direction, is refused so a captured
// request cannot be replayed later (or "pre-recorded" for later with a future stamp).
import { hmacSha256Matches, HEX_SHA256 } from "../server/providers/signature.ts";

export const MAX_SKEW_SECONDS = 5 * 60;

export type Verdict = { ok: true } | { ok: false; reason: string };

export function verifySlackSignature(
  secret: string,
  headers: { signature: string | null; timestamp: string | null },
  body: Uint8Array,
  nowMs: number,
): Verdict {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { ok: false, reason: "missing X-Slack-Signature or X-Slack-Request-Timestamp" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "malformed X-Slack-Request-Timestamp" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) {
    return { ok: false, reason: "X-Slack-Request-Timestamp is more than 5 minutes off" };
  }
  const hex = signature.startsWith("v0=") ? signature.slice(3) : "";
  if (!HEX_SHA256.test(hex)) return { ok: false, reason: "malformed X-Slack-Signature" };
  const prefix = new TextEncoder().encode(`v0:${timestamp}:`);
  const data = new Uint8Array(prefix.length + body.length);
  data.set(prefix);
  data.set(body, prefix.length);
  return hmacSha256Matches(secret, data, hex) ? { ok: true } : { ok: false, reason: "signature does not match" };
}
