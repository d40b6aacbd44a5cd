// Real GitHub payloads from @octokit/webhooks-examples (see test/fixtures/webhooks/SOURCES.md),
// signed here with a test secret exactly as GitHub signs them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { BridgeError } from "../../errors.ts";
import { MalformedPayloadError } from "../errors.ts";
import { parse, verify } from "./webhook.ts";

type Payload = Record<string, any>;
interface EventExamples {
  name: string;
  examples: Payload[];
}
const require = createRequire(import.meta.url);
const dotcom: EventExamples[] = require("@octokit/webhooks-examples");
const ghes35: EventExamples[] = require("@octokit/webhooks-examples/ghes-35/index.json");

function examples(set: EventExamples[], name: string): Payload[] {
  const entry = set.find((e) => e.name === name);
  assert.ok(entry, `@octokit/webhooks-examples has no ${name} examples`);
  return entry.examples;
}
const pushes = examples(dotcom, "push");
const tagCreated = pushes.find((p) => p.ref.startsWith("refs/tags/") && p.created)!;
const tagDeleted = pushes.find((p) => p.ref.startsWith("refs/tags/") && p.deleted)!;
const branchCreated = pushes.find((p) => p.ref.startsWith("refs/heads/") && p.created)!;

const SECRET = "It's a Secret to Everybody";
const DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
const enc = new TextEncoder();
const bytes = (p: unknown) => enc.encode(JSON.stringify(p));
const sign = (raw: Uint8Array, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;

function headers(event: string, raw: Uint8Array, extra: Record<string, string> = {}): Headers {
  return new Headers({
    "Content-Type": "application/json",
    "X-GitHub-Event": event,
    "X-GitHub-Delivery": DELIVERY,
    "X-Hub-Signature-256": sign(raw),
    ...extra,
  });
}

test("examples needed by these tests are in the package", () => {
  for (const p of [tagCreated, tagDeleted, branchCreated]) assert.ok(p);
});

test("push of a new tag: verified, then parsed", () => {
  const raw = bytes(tagCreated);
  const h = headers("push", raw);
  assert.deepEqual(verify(raw, h, SECRET), { ok: true });
  assert.deepEqual(parse(raw, h), {
    kind: "push",
    provider: "github",
    repoPath: "Codertocat/Hello-World",
    host: "github.com",
    ref: "refs/tags/simple-tag",
    before: "0000000000000000000000000000000000000000",
    after: tagCreated.after,
    deleted: false,
    actor: "Codertocat",
    deliveryId: DELIVERY,
  });
});

test("push deleting a tag is deleted", () => {
  const raw = bytes(tagDeleted);
  const d = parse(raw, headers("push", raw));
  assert.equal(d.kind, "push");
  assert.equal(d.kind === "push" && d.deleted, true);
  assert.equal(d.kind === "push" && d.ref, "refs/tags/simple-tag");
});

test("push creating a branch", () => {
  const raw = bytes(branchCreated);
  const d = parse(raw, headers("push", raw));
  assert.equal(d.kind === "push" && d.ref, "refs/heads/master");
  assert.equal(d.kind === "push" && d.deleted, false);
});

test("push deleting a branch (the package has none: the tag-delete example with only ref changed)", () => {
  const raw = bytes({ ...tagDeleted, ref: "refs/heads/simple-tag" });
  const d = parse(raw, headers("push", raw));
  assert.equal(d.kind === "push" && d.ref, "refs/heads/simple-tag");
  assert.equal(d.kind === "push" && d.deleted, true);
  assert.equal(d.kind === "push" && d.after, "0000000000000000000000000000000000000000");
});

test("GitHub Enterprise Server push carries its own host", () => {
  const raw = bytes(examples(ghes35, "push")[0]);
  const d = parse(raw, headers("push", raw));
  assert.equal(d.kind === "push" && d.host, "octocoders.github.io");
});

test("ping (repository and organisation hooks) is ignored, with the delivery id", () => {
  for (const ping of examples(dotcom, "ping")) {
    const raw = bytes(ping);
    const h = headers("ping", raw);
    assert.deepEqual(verify(raw, h, SECRET), { ok: true });
    assert.deepEqual(parse(raw, h), { kind: "ignored", reason: "ping", deliveryId: DELIVERY });
  }
});

test("other events are ignored with the event name", () => {
  const raw = bytes(examples(dotcom, "issues")[0]);
  assert.deepEqual(parse(raw, headers("issues", raw)), {
    kind: "ignored",
    reason: "event issues is not mirrored",
    deliveryId: DELIVERY,
  });
});

test("a signature made with another secret is refused", () => {
  const raw = bytes(tagCreated);
  const r = verify(raw, headers("push", raw, { "X-Hub-Signature-256": sign(raw, "wrong") }), SECRET);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : "", /does not match/);
});

test("a body changed after signing is refused", () => {
  const raw = bytes(tagCreated);
  const h = headers("push", raw);
  const tampered = bytes({ ...tagCreated, ref: "refs/heads/main" });
  assert.equal(verify(tampered, h, SECRET).ok, false);
});

test("missing signature header is refused with the header's name", () => {
  const raw = bytes(tagCreated);
  const h = headers("push", raw);
  h.delete("X-Hub-Signature-256");
  assert.deepEqual(verify(raw, h, SECRET), { ok: false, reason: "missing X-Hub-Signature-256 header" });
  h.set("X-Hub-Signature", "sha1=" + "0".repeat(40));
  const r = verify(raw, h, SECRET);
  assert.match(!r.ok ? r.reason : "", /^missing X-Hub-Signature-256 header \(only the SHA-1/);
});

test("malformed signatures are refused, never thrown", () => {
  const raw = bytes(tagCreated);
  const good = sign(raw).slice("sha256=".length);
  const malformed = [
    "sha256=" + "z".repeat(64), // not hex
    "sha256=" + good.slice(0, 62), // too short
    "sha256=" + good + "00", // too long
    good, // no prefix
    "sha1=" + good.slice(0, 40),
    "sha256=",
    "sha256=" + good.slice(0, 63) + "g",
  ];
  for (const sig of malformed) {
    const r = verify(raw, headers("push", raw, { "X-Hub-Signature-256": sig }), SECRET);
    assert.equal(r.ok, false, sig);
    assert.match(!r.ok ? r.reason : "", /^malformed X-Hub-Signature-256 header/, sig);
  }
});

test("upper-case hex is the same signature", () => {
  const raw = bytes(tagCreated);
  const sig = "sha256=" + sign(raw).slice("sha256=".length).toUpperCase();
  assert.deepEqual(verify(raw, headers("push", raw, { "X-Hub-Signature-256": sig }), SECRET), { ok: true });
});

test("no secret configured skips verification (documented)", () => {
  const raw = bytes(tagCreated);
  const h = headers("push", raw);
  h.delete("X-Hub-Signature-256");
  assert.deepEqual(verify(raw, h, undefined), { ok: true });
  assert.deepEqual(verify(raw, h, ""), { ok: true });
});

test("form-encoded delivery: signature over the raw form body, JSON from payload", () => {
  const form = enc.encode(new URLSearchParams({ payload: JSON.stringify(tagCreated) }).toString());
  const h = headers("push", form, { "Content-Type": "application/x-www-form-urlencoded" });
  assert.deepEqual(verify(form, h, SECRET), { ok: true });
  const d = parse(form, h);
  assert.equal(d.kind === "push" && d.repoPath, "Codertocat/Hello-World");
  assert.equal(d.kind === "push" && d.ref, "refs/tags/simple-tag");
  // A signature over the JSON alone is not what GitHub sends for form hooks.
  h.set("X-Hub-Signature-256", sign(bytes(tagCreated)));
  assert.equal(verify(form, h, SECRET).ok, false);
});

test("form-encoded delivery without a payload field is malformed", () => {
  const form = enc.encode("other=1");
  const h = headers("push", form, { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" });
  assert.throws(() => parse(form, h), (e) => e instanceof MalformedPayloadError && /no payload field/.test(e.message));
});

test("invalid JSON is a MalformedPayloadError (code malformed)", () => {
  const raw = enc.encode('{"ref": "refs/heads/main",');
  assert.throws(() => parse(raw, headers("push", raw)), (e) => {
    assert.ok(e instanceof MalformedPayloadError);
    assert.ok(e instanceof BridgeError);
    assert.equal(e.code, "malformed");
    assert.match(e.message, /not valid JSON/);
    return true;
  });
  const arr = enc.encode("[1,2]");
  assert.throws(() => parse(arr, headers("push", arr)), /must be a JSON object/);
});

test("push without repository is malformed, naming the field", () => {
  const { repository: _, ...rest } = tagCreated;
  const raw = bytes(rest);
  assert.throws(() => parse(raw, headers("push", raw)), (e) =>
    e instanceof MalformedPayloadError && /repository\.full_name/.test(e.message) &&
    e.data.field === "repository.full_name");
});

test("push with a short ref or without ref is malformed", () => {
  for (const ref of ["main", undefined]) {
    const raw = bytes({ ...tagCreated, ref });
    assert.throws(() => parse(raw, headers("push", raw)), MalformedPayloadError);
  }
});

test("missing X-GitHub-Event header is malformed", () => {
  const raw = bytes(tagCreated);
  const h = headers("push", raw);
  h.delete("X-GitHub-Event");
  assert.throws(() => parse(raw, h), /missing X-GitHub-Event header/);
});
