// The documented Gitea push payload (test/fixtures/webhooks/gitea, see SOURCES.md) with the
// headers Gitea's deliver.go sends (HEADERS.md); signatures computed over the exact bytes sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { MalformedPayloadError } from "../errors.ts";
import { parse, verify } from "./webhook.ts";

const PUSH = new Uint8Array(readFileSync(new URL("../../../test/fixtures/webhooks/gitea/push.json", import.meta.url)));
const SECRET = "gitea-hook-secret";
const DELIVERY = "f6266f16-1bf3-46a5-9ea4-602e06ead473";
const enc = new TextEncoder();
const hex = (data: Uint8Array | string, secret = SECRET) => createHmac("sha256", secret).update(data).digest("hex");
const pushPayload = () => JSON.parse(new TextDecoder().decode(PUSH));

function headers(event: string, raw: Uint8Array | string, extra: Record<string, string> = {}): Headers {
  const sig = hex(raw);
  return new Headers({
    "Content-Type": "application/json",
    "X-Gitea-Delivery": DELIVERY,
    "X-Gitea-Event": event,
    "X-Gitea-Event-Type": event,
    "X-Gitea-Signature": sig,
    "X-Gogs-Delivery": DELIVERY,
    "X-Gogs-Event": event,
    "X-Gogs-Signature": sig,
    "X-Hub-Signature": "sha1=" + createHmac("sha1", SECRET).update(raw).digest("hex"),
    "X-Hub-Signature-256": "sha256=" + sig,
    "X-GitHub-Delivery": DELIVERY,
    "X-GitHub-Event": event,
    ...extra,
  });
}

test("push: X-Gitea-Signature accepted, payload parsed", () => {
  const h = headers("push", PUSH);
  assert.deepEqual(verify(PUSH, h, SECRET), { ok: true });
  assert.deepEqual(parse(PUSH, h), {
    kind: "push",
    provider: "gitea",
    repoPath: "gitea/webhooks",
    host: "localhost:3000",
    ref: "refs/heads/develop",
    before: "28e1879d029cb852e4844d9c718537df08844e03",
    after: "bffeb74224043ba2feb48d137756c8a9331c449a",
    deleted: false,
    actor: "gitea",
    deliveryId: DELIVERY,
  });
});

test("X-Hub-Signature-256 alone is accepted", () => {
  const h = headers("push", PUSH);
  h.delete("X-Gitea-Signature");
  assert.deepEqual(verify(PUSH, h, SECRET), { ok: true });
});

test("wrong secret, tampered body: refused", () => {
  const h = headers("push", PUSH, { "X-Gitea-Signature": hex(PUSH, "other") });
  const r = verify(PUSH, h, SECRET);
  assert.match(!r.ok ? r.reason : "", /X-Gitea-Signature does not match/);
  const tampered = enc.encode(new TextDecoder().decode(PUSH).replace("develop", "main"));
  assert.equal(verify(tampered, headers("push", PUSH), SECRET).ok, false);
});

test("missing signature (Gitea sends empty ones when the hook has no secret) is refused", () => {
  const h = headers("push", PUSH, { "X-Gitea-Signature": "", "X-Hub-Signature-256": "sha256=" });
  assert.deepEqual(verify(PUSH, h, SECRET), { ok: false, reason: "missing X-Gitea-Signature header" });
  h.delete("X-Gitea-Signature");
  h.delete("X-Hub-Signature-256");
  assert.deepEqual(verify(PUSH, h, SECRET), { ok: false, reason: "missing X-Gitea-Signature header" });
  assert.deepEqual(verify(PUSH, h, undefined), { ok: true });
});

test("malformed signatures are refused, never thrown", () => {
  const good = hex(PUSH);
  for (const sig of ["sha256=" + good, good.slice(0, 60), good + "ab", "x".repeat(64)]) {
    const r = verify(PUSH, headers("push", PUSH, { "X-Gitea-Signature": sig }), SECRET);
    assert.match(!r.ok ? r.reason : "", /^malformed X-Gitea-Signature header/, sig);
  }
  const h = headers("push", PUSH);
  h.delete("X-Gitea-Signature");
  h.set("X-Hub-Signature-256", good); // no sha256= prefix
  const r = verify(PUSH, h, SECRET);
  assert.match(!r.ok ? r.reason : "", /^malformed X-Hub-Signature-256 header/);
});

test("form hook: signature over the JSON in payload, not over the form body", () => {
  const json = new TextDecoder().decode(PUSH);
  const form = enc.encode(new URLSearchParams({ payload: json }).toString());
  const h = headers("push", json, { "Content-Type": "application/x-www-form-urlencoded" });
  assert.deepEqual(verify(form, h, SECRET), { ok: true });
  assert.equal(parse(form, h).kind, "push");
  h.set("X-Gitea-Signature", hex(form));
  assert.equal(verify(form, h, SECRET).ok, false);
});

test("a tag deleted by push (after all zeros) is deleted", () => {
  const p = { ...pushPayload(), ref: "refs/tags/v1", after: "0".repeat(40), commits: [] };
  const raw = enc.encode(JSON.stringify(p));
  const d = parse(raw, headers("push", raw));
  assert.equal(d.kind === "push" && d.deleted, true);
});

// Gitea documents no delete payload; built from DeletePayload in services/webhook/notifier.go with
// the repository and sender of the documented push payload.
function deleteEvent(refType: string, ref: string): Uint8Array {
  const { repository, sender } = pushPayload();
  return enc.encode(JSON.stringify({ ref, ref_type: refType, pusher_type: "user", repository, sender }));
}

test("delete event for a branch becomes a deleted push with a full ref", () => {
  const raw = deleteEvent("branch", "feature/x");
  assert.deepEqual(parse(raw, headers("delete", raw)), {
    kind: "push",
    provider: "gitea",
    repoPath: "gitea/webhooks",
    host: "localhost:3000",
    ref: "refs/heads/feature/x",
    deleted: true,
    actor: "gitea",
    deliveryId: DELIVERY,
  });
});

test("delete of a tag and create events are ignored (the push covers them)", () => {
  const tag = deleteEvent("tag", "v1");
  assert.equal(parse(tag, headers("delete", tag)).kind, "ignored");
  assert.match((parse(PUSH, headers("create", PUSH)) as { reason: string }).reason, /covered by the push/);
  assert.deepEqual(parse(PUSH, headers("issues", PUSH)), {
    kind: "ignored",
    reason: "event issues is not mirrored",
    deliveryId: DELIVERY,
  });
});

test("missing X-Gitea-Event, invalid JSON, missing repository: malformed", () => {
  const h = headers("push", PUSH);
  h.delete("X-Gitea-Event");
  assert.throws(() => parse(PUSH, h), /missing X-Gitea-Event header/);
  assert.throws(() => parse(enc.encode("{"), headers("push", "{")), MalformedPayloadError);
  const { repository: _, ...rest } = pushPayload();
  const raw = enc.encode(JSON.stringify(rest));
  assert.throws(() => parse(raw, headers("push", raw)), /repository\.full_name/);
});
