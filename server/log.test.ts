import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "./log.ts";
import { redactor } from "./mirror/redact.ts";

const at = () => new Date("2024-01-02T03:04:05.000Z");
const redact = (s: string) => s.replaceAll("s3cret", "***");

test("each line is one JSON object, redacted, written at once unless batched", () => {
  const out: string[] = [];
  const log = createLogger((l) => out.push(l), redact, at);
  log.info("hello", { token: "s3cret" });
  log.warn("second");
  assert.deepEqual(out, [
    '{"time":"2024-01-02T03:04:05.000Z","level":"info","msg":"hello","token":"***"}\n',
    '{"time":"2024-01-02T03:04:05.000Z","level":"warn","msg":"second"}\n',
  ]);
});

test("batched: lines logged before the flush microtask runs go out in one write, in order", async () => {
  const out: string[] = [];
  const log = createLogger((l) => out.push(l), redact, at, { batch: true });
  // As after a group commit: one promise answers many waiting requests, each logs a line.
  let commit!: () => void;
  const durable = new Promise<void>((r) => (commit = r));
  const requests = [1, 2, 3].map(async (n) => {
    await durable;
    log.info(`accepted ${n}`, { key: "s3cret" });
  });
  commit();
  log.info("first");
  assert.equal(out.length, 0, "held until the microtasks have run");
  await Promise.all(requests);
  await null;
  assert.equal(out.length, 1);
  assert.deepEqual(out[0].trimEnd().split("\n").map((l) => JSON.parse(l).msg), [
    "first",
    "accepted 1",
    "accepted 2",
    "accepted 3",
  ]);
  assert.ok(!out[0].includes("s3cret"));

  log.error("last");
  log.flush(); // as at shutdown
  assert.equal(out.length, 2);
  assert.equal(JSON.parse(out[1]).msg, "last");
  await new Promise((r) => setTimeout(r, 1));
  assert.equal(out.length, 2, "nothing is written twice");
});

test("a secret with a quote or backslash is redacted in every field, nested ones too", () => {
  const secrets = ['canary"quote-1a2b', "canary\\backslash-3c4d", 'canary\\"both-5e6f'];
  const out: string[] = [];
  const log = createLogger((l) => out.push(l), redactor(secrets), at);
  log.error(`failed with ${secrets[0]}`, { error: `git said ${secrets[1]}`, detail: { stderr: [secrets[2]] } });
  const line = out.join("");
  for (const s of secrets) {
    assert.ok(!line.includes(s), `raw ${s}`);
    assert.ok(!line.includes(JSON.stringify(s).slice(1, -1)), `escaped ${s}`);
  }
  const parsed = JSON.parse(line);
  assert.equal(parsed.msg, "failed with ***");
  assert.equal(parsed.error, "git said ***");
  assert.deepEqual(parsed.detail, { stderr: ["***"] });
});

test("the redactor alone also catches the JSON-escaped form of a secret", () => {
  const r = redactor(['canary"q\\s-7a8b']);
  assert.equal(r(JSON.stringify({ x: 'canary"q\\s-7a8b' })), '{"x":"***"}');
});
