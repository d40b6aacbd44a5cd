// Slack's signing rule on the documented slash-command body (test/fixtures/slack).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { verifySlackSignature } from "./verify.ts";

const SECRET = "canary-signing-secret-1f2e3d4c";
const BODY = readFileSync(new URL("../test/fixtures/slack/slash-command.form.txt", import.meta.url));
const NOW = 1_700_000_000_000;
const sign = (ts: number, body: Uint8Array = BODY, secret = SECRET) =>
  "v0=" + createHmac("sha256", secret).update(`v0:${ts}:`).update(body).digest("hex");
const check = (sig: string | null, ts: string | null, body: Uint8Array = BODY) =>
  verifySlackSignature(SECRET, { signature: sig, timestamp: ts }, body, NOW);

test("a correct signature within 5 minutes either way is accepted", () => {
  for (const skew of [0, -299, 299, -300, 300]) {
    const ts = NOW / 1000 + skew;
    assert.deepEqual(check(sign(ts), String(ts)), { ok: true }, `skew ${skew}`);
  }
});

test("stale and future timestamps are refused even with a valid signature", () => {
  for (const skew of [-301, 301, -86400]) {
    const ts = NOW / 1000 + skew;
    const v = check(sign(ts), String(ts));
    assert.equal(v.ok, false);
    assert.match((v as { reason: string }).reason, /more than 5 minutes/);
  }
});

test("forged, tampered, missing and malformed signatures are refused", () => {
  const ts = NOW / 1000;
  assert.equal(check(sign(ts, BODY, "other"), String(ts)).ok, false);
  const tampered = new Uint8Array(BODY);
  tampered[tampered.length - 1] ^= 1;
  assert.equal(check(sign(ts), String(ts), tampered).ok, false);
  assert.equal(check(sign(ts), String(ts + 1)).ok, false, "the timestamp is signed too");
  assert.match((check(null, String(ts)) as { reason: string }).reason, /missing/);
  assert.match((check(sign(ts), null) as { reason: string }).reason, /missing/);
  assert.match((check("v1=" + sign(ts).slice(3), String(ts)) as { reason: string }).reason, /malformed X-Slack-Signature/);
  assert.match((check(sign(ts), "12.5") as { reason: string }).reason, /malformed X-Slack-Request-Timestamp/);
});
