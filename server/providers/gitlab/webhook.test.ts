// Documented GitLab payloads (test/fixtures/webhooks/gitlab, see SOURCES.md) with the documented
// delivery headers (HEADERS.md); GitLab sends the secret itself, so "signing" is the token header.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { MalformedPayloadError } from "../errors.ts";
import { parse, verify } from "./webhook.ts";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../test/fixtures/webhooks/gitlab/${name}`, import.meta.url)));
const PUSH = fixture("push.json");
const TAG_PUSH = fixture("tag_push.json");
const SECRET = "gl-hook-secret-0123";
const enc = new TextEncoder();
const edit = (raw: Uint8Array, change: (p: Record<string, any>) => void) => {
  const p = JSON.parse(new TextDecoder().decode(raw));
  change(p);
  return enc.encode(JSON.stringify(p));
};

// The assembled header set of HEADERS.md (each value the docs' own example).
function headers(event: string | undefined, extra: Record<string, string> = {}): Headers {
  const h = new Headers({
    "Content-Type": "application/json",
    "User-Agent": "GitLab/15.5.0-pre",
    "X-Gitlab-Token": SECRET,
    "X-Gitlab-Instance": "https://gitlab.com",
    "X-Gitlab-Webhook-UUID": "02affd2d-2cba-4033-917d-ec22d5dc4b38",
    "X-Gitlab-Event-UUID": "13792a34-cac6-4fda-95a8-c58e00a3954e",
    "Idempotency-Key": "f5e5f430-f57b-4e6e-9fac-d9128cd7232f",
    ...extra,
  });
  if (event !== undefined) h.set("X-Gitlab-Event", event);
  return h;
}

test("Push Hook: token accepted, payload parsed", () => {
  const h = headers("Push Hook");
  assert.deepEqual(verify(PUSH, h, SECRET), { ok: true });
  assert.deepEqual(parse(PUSH, h), {
    kind: "push",
    provider: "gitlab",
    repoPath: "mike/diaspora",
    host: "example.com", // project.web_url wins over X-Gitlab-Instance
    ref: "refs/heads/master",
    before: "95790bf891e76fee5e1747ab589903a6a1f80f22",
    after: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
    deleted: false,
    actor: "jsmith",
    deliveryId: "f5e5f430-f57b-4e6e-9fac-d9128cd7232f",
  });
});

test("Tag Push Hook: tag ref, actor falls back to user_name", () => {
  const d = parse(TAG_PUSH, headers("Tag Push Hook"));
  assert.equal(d.kind, "push");
  if (d.kind !== "push") return;
  assert.equal(d.repoPath, "jsmith/example");
  assert.equal(d.ref, "refs/tags/v1.0.0");
  assert.equal(d.deleted, false);
  assert.equal(d.actor, "John Smith");
});

test("a deleted branch (after all zeros) is deleted", () => {
  const raw = edit(PUSH, (p) => (p.after = "0".repeat(40)));
  const d = parse(raw, headers("Push Hook"));
  assert.equal(d.kind === "push" && d.deleted, true);
});

test("delivery id: Idempotency-Key, else X-Gitlab-Event-UUID", () => {
  const h = headers("Push Hook");
  h.delete("Idempotency-Key");
  assert.equal(parse(PUSH, h).deliveryId, "13792a34-cac6-4fda-95a8-c58e00a3954e");
  h.delete("X-Gitlab-Event-UUID");
  assert.equal(parse(PUSH, h).deliveryId, undefined);
});

test("host from X-Gitlab-Instance when the payload has no web_url (URL or bare host)", () => {
  const raw = edit(PUSH, (p) => delete p.project.web_url);
  const d = parse(raw, headers("Push Hook", { "X-Gitlab-Instance": "https://GitLab.example.org:8443" }));
  assert.equal(d.kind === "push" && d.host, "gitlab.example.org:8443");
  const bare = parse(raw, headers("Push Hook", { "X-Gitlab-Instance": "gitlab.example.org" }));
  assert.equal(bare.kind === "push" && bare.host, "gitlab.example.org");
  const h = headers("Push Hook");
  h.delete("X-Gitlab-Instance");
  const none = parse(raw, h);
  assert.equal(none.kind === "push" && none.host, undefined);
});

test("wrong token is refused, whatever its length", () => {
  for (const token of ["gl-hook-secret-0124", "short", SECRET + "-and-a-much-longer-tail"]) {
    const r = verify(PUSH, headers("Push Hook", { "X-Gitlab-Token": token }), SECRET);
    assert.equal(r.ok, false, token);
    assert.match(!r.ok ? r.reason : "", /X-Gitlab-Token does not match/);
  }
});

test("missing token is refused; no secret configured skips verification", () => {
  const h = headers("Push Hook");
  h.delete("X-Gitlab-Token");
  assert.deepEqual(verify(PUSH, h, SECRET), { ok: false, reason: "missing X-Gitlab-Token header" });
  assert.deepEqual(verify(PUSH, h, undefined), { ok: true });
});

test("a configured secret with a trailing newline still matches (GitLab strips line breaks)", () => {
  assert.deepEqual(verify(PUSH, headers("Push Hook"), SECRET + "\n"), { ok: true });
});

test("System Hook: push kinds are pushes, others ignored", () => {
  assert.equal(parse(PUSH, headers("System Hook")).kind, "push");
  assert.equal(parse(TAG_PUSH, headers("System Hook")).kind, "push");
  const other = edit(PUSH, (p) => {
    p.object_kind = "repository_update";
    p.event_name = "repository_update";
  });
  assert.deepEqual(parse(other, headers("System Hook")), {
    kind: "ignored",
    reason: "system hook event repository_update is not mirrored",
    deliveryId: "f5e5f430-f57b-4e6e-9fac-d9128cd7232f",
  });
});

test("other hooks are ignored by name", () => {
  const d = parse(PUSH, headers("Merge Request Hook"));
  assert.deepEqual(d, {
    kind: "ignored",
    reason: "event Merge Request Hook is not mirrored",
    deliveryId: "f5e5f430-f57b-4e6e-9fac-d9128cd7232f",
  });
});

test("without X-Gitlab-Event the object_kind decides", () => {
  assert.equal(parse(TAG_PUSH, headers(undefined)).kind, "push");
  const note = edit(PUSH, (p) => (p.object_kind = "note"));
  assert.deepEqual(parse(note, headers(undefined)).kind, "ignored");
  const none = edit(PUSH, (p) => {
    delete p.object_kind;
    delete p.event_name;
  });
  assert.throws(() => parse(none, headers(undefined)), MalformedPayloadError);
});

test("missing project is malformed; invalid JSON is malformed", () => {
  const raw = edit(PUSH, (p) => delete p.project);
  assert.throws(() => parse(raw, headers("Push Hook")), /project\.path_with_namespace/);
  assert.throws(() => parse(enc.encode("not json"), headers("Push Hook")), (e) =>
    e instanceof MalformedPayloadError && e.code === "malformed");
});
