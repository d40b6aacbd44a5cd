import { test } from "node:test";
import assert from "node:assert/strict";
import { parseUpdateLines, signNotification, validateNotifyBody, verifyNotification } from "./protocol.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);
const Z = "0".repeat(40);
const enc = (s: string) => new TextEncoder().encode(s);

test("parseUpdateLines keeps valid lines once each and refuses the rest with a reason", () => {
  const text = [
    `${A} ${B} refs/heads/main`,
    `${Z} ${B} refs/tags/v1`,
    `${A} ${Z} refs/heads/gone`,
    `${A} ${B} refs/heads/main`, // duplicate
    `${A} ${B} refs/heads/../x`,
    `${A} ${B} refs/heads/a b`,
    `${A} ${B} main`,
    `${A.toUpperCase()} ${B} refs/heads/upper`,
    `${Z} ${Z} refs/heads/nothing`,
    `${"c".repeat(64)} ${"d".repeat(64)} refs/heads/sha256`,
    "garbage",
    "",
  ].join("\n");
  const { updates, refused } = parseUpdateLines(text);
  assert.deepEqual(updates.map((u) => u.ref), ["refs/heads/main", "refs/tags/v1", "refs/heads/gone", "refs/heads/sha256"]);
  assert.equal(refused.length, 6);
  assert.match(refused[0], /invalid ref name "refs\/heads\/\.\.\/x": must not contain '\.\.'/);
  assert.match(refused.join("\n"), /not an "<old> <new> <ref>" line/);
});

test("refused lines are shown without control characters", () => {
  const { refused } = parseUpdateLines(`${A} ${B} refs/heads/\u001b[2Jx\r`);
  assert.equal(refused.length, 1);
  // deno-lint-ignore no-control-regex
  assert.ok(!/[\x00-\x1f]/.test(refused[0]), refused[0]);
});

test("validateNotifyBody", () => {
  const ok = { repo: "app", side: "source", id: "20250101T000000000Z-ab12", updates: [{ old: Z, new: B, ref: "refs/heads/main", extra: 1 }] };
  const v = validateNotifyBody(ok);
  assert.ok(v.ok);
  assert.deepEqual(v.ok && v.value.updates, [{ old: Z, new: B, ref: "refs/heads/main" }]);
  assert.ok(validateNotifyBody({ ...ok, side: undefined }).ok, "side defaults to source");
  for (const bad of [null, [], "x", { ...ok, repo: "" }, { ...ok, id: "a/b" }, { ...ok, updates: "x" }, { ...ok, updates: [null] }, { ...ok, updates: [{ old: Z, new: B, ref: "refs/heads/x.lock" }] }]) {
    assert.equal(validateNotifyBody(bad).ok, false, JSON.stringify(bad));
  }
});

test("signatures cover the timestamp and the body, and expire", () => {
  const raw = enc('{"repo":"app"}');
  const now = 1_750_000_000;
  const h = signNotification("s3cret", raw, now);
  const headers = (o: Record<string, string>) => new Headers(o);
  assert.deepEqual(verifyNotification("s3cret", raw, headers(h), now + 10), { ok: true });
  assert.equal(verifyNotification("other", raw, headers(h), now).ok, false);
  assert.equal(verifyNotification("s3cret", enc('{"repo":"APP"}'), headers(h), now).ok, false);
  assert.equal(verifyNotification("s3cret", raw, headers({ ...h, "X-Git-Bridge-Timestamp": String(now + 1) }), now).ok, false, "timestamp is signed");
  assert.equal(verifyNotification("s3cret", raw, headers(h), now + 301).ok, false, "too old");
  assert.equal(verifyNotification("s3cret", raw, headers({}), now).ok, false);
  assert.equal(verifyNotification("s3cret", raw, headers({ ...h, "X-Git-Bridge-Signature": h["X-Git-Bridge-Signature"].slice(7) }), now).ok, false, "needs the sha256= prefix");
});
