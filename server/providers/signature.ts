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
