// What a post-receive hook hands on: the `<old> <new> <ref>` lines git gives it (githooks(5)), and
// the signed notification that notify mode sends to POST /hooks/post-receive. Shared by the hook
// (which signs) and the route (which verifies), so both sides agree on one definition. Pure.
import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import { HEX_SHA256, hmacSha256Matches } from "../server/providers/signature.ts";
import { refFormatProblem } from "../server/mirror/refname.ts";

export const SIGNATURE_HEADER = "X-Git-Bridge-Signature";
export const TIMESTAMP_HEADER = "X-Git-Bridge-Timestamp";
/** A notification older (or newer) than this is refused: a captured request cannot be replayed later. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** More ref updates than this in one push is not something a hook should relay one by one. */
export const MAX_UPDATES = 10_000;

export type HookSide = "source" | "target";
export type HookMode = "push" | "notify";

export interface RefUpdate {
  old: string;
  new: string;
  ref: string;
}

/** The body of POST /hooks/post-receive. */
export interface NotifyBody {
  repo: string;
  side: HookSide;
  updates: RefUpdate[];
  /** The hook run's id (the spool entry's id): the queue's delivery id, so a resend is a duplicate. */
  id: string;
}

// SHA-1 (40) or SHA-256 (64) object names, as git prints them: lower case.
const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ID = /^[A-Za-z0-9._-]{1,128}$/;

export const isZeroOid = (oid: string) => /^0+$/.test(oid);

export function updateProblem(u: { old?: unknown; new?: unknown; ref?: unknown }): string | undefined {
  if (typeof u.ref !== "string") return "ref must be a string";
  const refProblem = refFormatProblem(u.ref);
  if (refProblem) return `invalid ref name ${JSON.stringify(u.ref)}: ${refProblem}`;
  for (const key of ["old", "new"] as const) {
    const v = u[key];
    if (typeof v !== "string" || !OID.test(v)) {
      return `${key} of ${u.ref} must be a full object name (40 or 64 lower-case hex digits), got ${JSON.stringify(v)}`;
    }
  }
  if (isZeroOid(u.old as string) && isZeroOid(u.new as string)) return `${u.ref}: old and new cannot both be zero`;
  return undefined;
}

/** githooks(5) post-receive stdin: one `<old-value> SP <new-value> SP <ref-name> LF` per updated ref. */
export function parseUpdateLines(text: string): { updates: RefUpdate[]; refused: string[] } {
  const updates: RefUpdate[] = [];
  const refused: string[] = [];
  const seen = new Set<string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const parts = line.split(" ");
    const u = parts.length === 3 ? { old: parts[0], new: parts[1], ref: parts[2] } : undefined;
    const problem = u ? updateProblem(u) : `not an "<old> <new> <ref>" line`;
    if (problem || !u) {
      refused.push(`${JSON.stringify(printable(line))}: ${problem}`);
      continue;
    }
    if (seen.has(u.ref)) continue;
    seen.add(u.ref);
    updates.push(u);
  }
  if (updates.length > MAX_UPDATES) {
    refused.push(`${updates.length - MAX_UPDATES} more ref updates than the ${MAX_UPDATES} a hook relays`);
    updates.length = MAX_UPDATES;
  }
  return { updates, refused };
}

/** Shows a hostile line without letting it draw on the pusher's terminal. */
export function printable(s: string): string {
  // deno-lint-ignore no-control-regex
  const clean = s.replace(/[\x00-\x1f\x7f]/g, "?");
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

export function validateNotifyBody(body: unknown): { ok: true; value: NotifyBody } | { ok: false; error: string } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, error: "the body must be a JSON object" };
  const b = body as Record<string, unknown>;
  if (typeof b.repo !== "string" || b.repo === "") return { ok: false, error: "repo is required: the repo's name in config.yaml" };
  const side = b.side ?? "source";
  if (side !== "source" && side !== "target") return { ok: false, error: `side must be "source" or "target" (got ${JSON.stringify(side)})` };
  if (typeof b.id !== "string" || !ID.test(b.id)) return { ok: false, error: "id is required: 1-128 characters of A-Z a-z 0-9 . _ -" };
  if (!Array.isArray(b.updates) || b.updates.length === 0) return { ok: false, error: "updates must be a non-empty array of {old, new, ref}" };
  if (b.updates.length > MAX_UPDATES) return { ok: false, error: `at most ${MAX_UPDATES} updates per notification` };
  const updates: RefUpdate[] = [];
  for (const [i, u] of b.updates.entries()) {
    if (typeof u !== "object" || u === null) return { ok: false, error: `updates[${i}] must be an object {old, new, ref}` };
    const problem = updateProblem(u as Record<string, unknown>);
    if (problem) return { ok: false, error: `updates[${i}]: ${problem}` };
    const { old, new: nu, ref } = u as RefUpdate;
    updates.push({ old, new: nu, ref });
  }
  return { ok: true, value: { repo: b.repo, side, updates, id: b.id } };
}

// The MAC covers the timestamp and the raw body (`<unix seconds>.<body>`, as Slack and Stripe
// do): a timestamp outside the MAC could simply be rewritten by whoever replays the request.
const signed = (timestamp: string, raw: Uint8Array) =>
  Buffer.concat([Buffer.from(`${timestamp}.`, "utf8"), Buffer.from(raw)]);

export function signNotification(secret: string, raw: Uint8Array, nowSeconds: number): Record<string, string> {
  const timestamp = String(Math.floor(nowSeconds));
  const hex = createHmac("sha256", secret).update(signed(timestamp, raw)).digest("hex");
  return { [SIGNATURE_HEADER]: `sha256=${hex}`, [TIMESTAMP_HEADER]: timestamp };
}

export function verifyNotification(
  secret: string,
  raw: Uint8Array,
  headers: { get(name: string): string | null },
  nowSeconds: number,
): { ok: true } | { ok: false; reason: string } {
  const sig = headers.get(SIGNATURE_HEADER);
  const ts = headers.get(TIMESTAMP_HEADER);
  if (!sig) return { ok: false, reason: `missing ${SIGNATURE_HEADER} header (sha256=<hex HMAC of "<timestamp>.<body>" with hooks.secret>)` };
  if (!ts || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: `missing or malformed ${TIMESTAMP_HEADER} header (unix seconds)` };
  const hex = sig.startsWith("sha256=") ? sig.slice("sha256=".length) : "";
  if (!HEX_SHA256.test(hex)) return { ok: false, reason: `malformed ${SIGNATURE_HEADER} header: expected sha256=<64 hex digits>` };
  if (!hmacSha256Matches(secret, signed(ts, raw), hex)) {
    return { ok: false, reason: `${SIGNATURE_HEADER} does not match: check that the hook and the server use the same hooks.secret` };
  }
  // Checked after the MAC, so an unauthenticated caller learns nothing about our clock.
  if (Math.abs(nowSeconds - Number(ts)) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: `${TIMESTAMP_HEADER} is more than ${MAX_CLOCK_SKEW_SECONDS}s away from the server's clock: check the clocks (or a replayed request)` };
  }
  return { ok: true };
}


/** One delivery id per ref of a hook run: a resent notification is a duplicate ref by ref. */
export const hookDeliveryId = (id: string, ref: string) => `hook:${id}:${ref}`;
