// Constant-time checks shared by the three providers. Only node:crypto, which Node, Deno and Bun
// all provide.
import { Buffer } from "node:buffer";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** 32 bytes of HMAC-SHA256 as hex, either case (Gitea and GitHub send lower case). */
export const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** The documented "skip verification" case: no secret configured (empty counts as none, as in Go). */
export function noSecret(secret: string | undefined): secret is undefined | "" {
  return secret === undefined || secret === "";
}

/** Whether `hex` (already checked against HEX_SHA256) is HMAC-SHA256(secret, data). */
export function hmacSha256Matches(secret: string, data: Uint8Array, hex: string): boolean {
  const expected = createHmac("sha256", secret).update(data).digest();
  const given = Buffer.from(hex, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Plain-token comparison that leaks neither content nor length: both sides are hashed first, so
 * timingSafeEqual always compares 32 bytes whatever the token lengths are.
 */
export function sameToken(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

/** A signature header read from the headers alone: the hex HMAC and the header's name, or why not. */
export type SignatureHeader = { ok: true; hex?: string; name?: string } | { ok: false; reason: string };

/**
 * verify() and verifyHeaders() for a provider that signs with a hex HMAC-SHA256 in a header.
 * `header` finds and checks the header (no secret: nothing to check); `signed` picks the bytes the
 * sender signed (default: the raw body). `label` names the secret in the mismatch message.
 */
export function hmacVerifier<H>(opts: {
  label: string;
  header(headers: H, secret: string | undefined): SignatureHeader;
  signed?(raw: Uint8Array, headers: H): Uint8Array | { reason: string };
}) {
  type Result = { ok: true } | { ok: false; reason: string };
  const verifyHeaders = (headers: H, secret: string | undefined): Result => {
    const r = opts.header(headers, secret);
    return r.ok ? { ok: true } : r;
  };
  const verify = (raw: Uint8Array, headers: H, secret: string | undefined): Result => {
    const pre = opts.header(headers, secret);
    if (!pre.ok) return pre;
    if (pre.hex === undefined || noSecret(secret)) return { ok: true };
    const signed = opts.signed ? opts.signed(raw, headers) : raw;
    if (!(signed instanceof Uint8Array)) return { ok: false, reason: signed.reason };
    if (!hmacSha256Matches(secret, signed, pre.hex)) {
      const name = pre.name ?? "the signature";
      return { ok: false, reason: `${name} does not match the body; check that the hook's secret equals the configured ${opts.label}` };
    }
    return { ok: true };
  };
  return { verify, verifyHeaders };
}
