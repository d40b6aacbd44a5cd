// The body guard over real HTTP (the Node runtime's listener and the real app), with a short
// deadline and a small crowd limit so the tests do not wait 30 s: a slow body gets 408 and its
// connection is closed, bodies past the limit get 503 without being read, and a slot frees up again.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createApp, type JobQueue } from "../app.ts";
import { parseConfig } from "../config/index.ts";
import { createLogger } from "../log.ts";
import { nodeRuntime } from "../runtime/node.ts";
import type { Listener } from "../runtime/types.ts";
import type { Job } from "../queue/types.ts";
import { rawRequest, within } from "../../test/integration/raw-request.ts";

const PATIENCE = 10_000;
const DEADLINE_MS = 400;

describe("body guard: deadline and crowd limit", () => {
  let listener: Listener;
  let base: string;
  const logs: string[] = [];

  before(async () => {
    const config = parseConfig(
      [
        "providers:",
        "  gh: { type: github }",
        "  dst: { type: git, base_url: 'https://git.example.com' }",
        "repos:",
        "  - { name: app, source: gh, target: dst, source_path: org/app, target_path: org/app }",
        "",
      ].join("\n"),
      "config.yaml",
      { WORK_DIR: "/tmp/unused" },
    );
    const queue: JobQueue = {
      enqueue: () => Promise.reject(new Error("nothing is queued in these tests")),
      get: () => undefined as Job | undefined,
      isOpen: () => true,
    };
    const log = createLogger((l) => void logs.push(l), (s) => s);
    const app = createApp({
      config,
      queue,
      ready: async () => ({ ok: true }),
      log,
      redact: (s) => s,
      readBody: nodeRuntime.readBody,
      bodyDeadlineMs: DEADLINE_MS,
      maxConcurrentBodies: 2,
    });
    listener = await nodeRuntime.serve(app.fetch, { port: 0, hostname: "127.0.0.1" });
    base = `http://127.0.0.1:${listener.port}`;
  });
  after(async () => {
    await listener?.close();
  });

  const stalled = (chunked: boolean) =>
    rawRequest(base, {
      path: "/webhook/github",
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": "1000" }),
      },
      body: chunked ? "7\r\n{\"ref\":\r\n" : '{"ref":',
    });

  for (const chunked of [false, true]) {
    test(`a body that does not arrive in time gets 408 and the connection closes (${chunked ? "chunked" : "Content-Length"})`, async () => {
      const r = stalled(chunked);
      const answer = await within(r.answer, PATIENCE);
      assert.notEqual(answer, "no answer", "the bridge kept waiting for the body");
      if (answer === "no answer") return;
      assert.equal(answer.status, 408);
      assert.match(JSON.parse(answer.text).error, /did not arrive within 0 s|did not arrive within/);
      assert.notEqual(await within(r.closed, PATIENCE), "no answer", "the slow connection is closed");
      assert.ok(logs.some((l) => JSON.parse(l).level === "warn" && l.includes("request body too slow")));
    });
  }

  test("past the crowd limit a body is refused with 503 at once, and the slot frees when a read ends", async () => {
    const a = stalled(false);
    const b = stalled(true);
    // Both are being read once the crowd is full: a third is turned away without its body.
    let third: Awaited<ReturnType<typeof rawRequest>["answer"]> | "no answer" = "no answer";
    for (let i = 0; i < 50 && third === "no answer"; i++) {
      const r = stalled(false);
      const got = await within(r.answer, DEADLINE_MS / 2);
      r.socket.destroy();
      if (got !== "no answer" && got.status === 503) third = got;
      else if (got !== "no answer") break; // a slot was free (the others were not being read yet): not the case under test
    }
    assert.notEqual(third, "no answer", "no 503 while two bodies were being read");
    if (third === "no answer") return;
    assert.equal(third.headers["retry-after"], "5");
    assert.match(JSON.parse(third.text).error, /too many request bodies/);
    // The two stalled reads end at their deadline; then a body is read again.
    assert.equal((await a.answer).status, 408);
    assert.equal((await b.answer).status, 408);
    const body = JSON.stringify({ zen: "hi", hook_id: 1 });
    const ok = rawRequest(base, {
      path: "/webhook/github",
      headers: { "content-type": "application/json", "x-github-event": "ping", "content-length": String(body.length) },
      body,
    });
    const answer = await within(ok.answer, PATIENCE);
    assert.ok(answer !== "no answer" && answer.status === 200, JSON.stringify(answer));
    ok.socket.destroy();
  });
});
