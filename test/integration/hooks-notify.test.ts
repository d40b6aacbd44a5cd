// The post-receive hook in notify mode, end to end through the bridge server: the hook signs one
// request to POST /hooks/post-receive, the route verifies and queues, the queue runs the engine.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFile } from "node:fs/promises";
import { createServer } from "node:net";
import { CANARY_SOURCE, CANARY_TARGET, filesContaining } from "../harness/bridge-fixture.ts";
import { loadConfig } from "../../server/config/load-config.ts";
import { createApp, type JobQueue } from "../../server/app.ts";
import { startBridge, type RunningBridge } from "../../server/bridge.ts";
import { silentLogger } from "../../server/log.ts";
import type { Job, SyncRequest } from "../../server/queue/types.ts";
import { signNotification } from "../../hooks/protocol.ts";
import { queueSubmit } from "../../hooks/queue-submit.ts";
import { drainSpool, newSpoolId, writeSpoolEntry } from "../../hooks/spool.ts";
import { hookFixture, type HookFixture, mirrored, waitFor, workersDone, ZERO } from "../../hooks/test-kit.ts";

const SECRET = "canary-hook-secret-3b9d0e7a51c2";
const hooksYaml = (url: string) => `hooks:\n  secret: "\${HOOK_SECRET}"\n  server_url: "${url}"\n`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("post-receive hook, notify mode", () => {
  let hf: HookFixture;
  let bridge: RunningBridge;
  const logs: string[] = [];

  const post = (body: unknown, headers: Record<string, string> = {}, raw = JSON.stringify(body)) =>
    fetch(`${bridge.url}/hooks/post-receive`, { method: "POST", body: raw, headers: { "content-type": "application/json", ...headers } });
  const signed = (body: unknown, secret = SECRET, at = Date.now() / 1000) => {
    const raw = JSON.stringify(body);
    return post(body, signNotification(secret, new TextEncoder().encode(raw), at), raw);
  };

  before(async () => {
    hf = await hookFixture();
    hf.env.HOOK_SECRET = SECRET;
    await appendFile(hf.envFile, `HOOK_SECRET=${SECRET}\n`);
    await hf.writeConfig({ topExtra: hooksYaml("http://127.0.0.1:9") });
    const config = await loadConfig({ path: hf.configPath, env: hf.env });
    bridge = await startBridge({ config, port: 0, hostname: "127.0.0.1", write: (l) => void logs.push(l) });
    await hf.writeConfig({ topExtra: hooksYaml(bridge.url) });
  });
  after(async () => {
    await bridge.stop(5000);
    for (const t of [...hf.outputs, ...hf.pushOutputs, ...logs]) {
      for (const c of [CANARY_SOURCE, CANARY_TARGET, SECRET]) assert.ok(!t.includes(c), "a secret leaked into output or the bridge log");
    }
    for (const c of [CANARY_SOURCE, CANARY_TARGET, SECRET]) {
      assert.deepEqual(await filesContaining(hf.workDir, c), []);
      assert.deepEqual(await filesContaining(hf.sourceDir, c), []);
    }
    await hf.close();
  });

  test("a push reaches the server as one signed request; the queue mirrors it", async () => {
    const inst = await hf.install("--mode", "notify");
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, new RegExp(`sent to ${bridge.url.replace(/[.]/g, "\\.")}`));
    const sha = await hf.src.commit("notify me");
    await hf.src.git("branch", "second");
    const r = await hf.push("main", "second");
    assert.match(r.stderr, /git-bridge: (handed to the bridge server: 2 refs queued \(\S+|mirroring in the background)/);
    await mirrored(hf, "refs/heads/main", sha);
    await mirrored(hf, "refs/heads/second", sha);
    const jobs = bridge.queue.list().filter((j) => j.request.source === "hook");
    assert.ok(jobs.length >= 1);
    assert.equal(jobs[0].request.repo, "app");
    assert.equal(jobs[0].request.direction, "source-to-target");
    await workersDone(hf, 1);
    assert.deepEqual(await hf.spool(), []);
  });

  test("bad, missing or stale signatures are 401; the body is not even parsed", async () => {
    const body = { repo: "app", side: "source", id: "x1", updates: [{ old: ZERO, new: "a".repeat(40), ref: "refs/heads/main" }] };
    const before = bridge.queue.list().length;
    let res = await post(body);
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /missing X-Git-Bridge-Signature/);
    res = await signed(body, "the-wrong-secret");
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /does not match/);
    res = await signed(body, SECRET, Date.now() / 1000 - 3600);
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /clock/);
    const raw = JSON.stringify(body);
    const headers = signNotification(SECRET, new TextEncoder().encode(raw), Date.now() / 1000);
    res = await post(body, headers, raw.replace("main", "mainx")); // tampered after signing
    assert.equal(res.status, 401);
    res = await post(body, { ...headers, "X-Git-Bridge-Signature": "sha256=zz" }, raw);
    assert.equal(res.status, 401);
    res = await signed("not json at all" as unknown);
    assert.equal(res.status, 400);
    assert.equal(bridge.queue.list().length, before);
    assert.equal((await fetch(`${bridge.url}/hooks/post-receive`)).status, 405);
  });

  test("authentic but invalid notifications are 400 with a clear message, and nothing is queued", async () => {
    const before = bridge.queue.list().length;
    const ok = { old: ZERO, new: "b".repeat(40), ref: "refs/heads/main" };
    const cases: Array<[unknown, RegExp]> = [
      [{ repo: "nope", side: "source", id: "a1", updates: [ok] }, /unknown repo "nope"; known repos: app/],
      [{ repo: "app", side: "source", id: "a2", updates: [{ ...ok, ref: "refs/heads/../x" }] }, /updates\[0\]: invalid ref name "refs\/heads\/\.\.\/x"/],
      [{ repo: "app", side: "source", id: "a3", updates: [{ ...ok, ref: "main" }] }, /full ref name/],
      [{ repo: "app", side: "source", id: "a4", updates: [{ ...ok, new: "HEAD" }] }, /new of refs\/heads\/main must be a full object name/],
      [{ repo: "app", side: "source", id: "a5", updates: [] }, /non-empty array/],
      [{ repo: "app", side: "source", id: "../../etc", updates: [ok] }, /id is required/],
      [{ repo: "app", side: "sideways", id: "a6", updates: [ok] }, /side must be/],
      [{ repo: "app", side: "target", id: "a7", updates: [ok] }, /mirrors source-to-target only/],
    ];
    for (const [body, message] of cases) {
      const res = await signed(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match((await res.json()).error, message);
    }
    assert.equal(bridge.queue.list().length, before);
  });

  test("a resent notification is a duplicate, not a second sync", async () => {
    const head = await hf.src.head();
    const body = { repo: "app", side: "source", id: newSpoolId(), updates: [{ old: head, new: head, ref: "refs/heads/main" }] };
    const first = await signed(body);
    assert.equal(first.status, 200);
    const a = await first.json();
    assert.equal(a.status, "accepted");
    assert.equal(a.job_ids.length, 1);
    const again = await (await signed(body)).json();
    assert.equal(again.status, "duplicate");
    assert.deepEqual(again.job_ids, a.job_ids);
  });

  test("server unreachable: the push is spooled and `git-bridge hooks drain` delivers it later", async () => {
    await waitFor("an idle queue", () => bridge.queue.stats().queued + bridge.queue.stats().running === 0);
    await hf.writeConfig({ topExtra: hooksYaml(`http://127.0.0.1:${await freePort()}`) });
    const sha = await hf.src.commit("server is away");
    const r = await hf.push("main");
    assert.match(r.stderr, /git-bridge: (queued: bridge server unreachable \(will retry\)|mirroring in the background)/);
    const [entry] = await waitFor("a spooled entry with one attempt", async () => {
      const s = await hf.spool();
      return s.length === 1 && s[0].attempts === 1 && s;
    });
    assert.equal(entry.mode, "notify");
    assert.notEqual((await hf.targetRefs())["refs/heads/main"], sha);

    await hf.writeConfig({ topExtra: hooksYaml(bridge.url) });
    const drained = await hf.cli("hooks", "drain", "--secrets-file", hf.envFile);
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout, /1 delivered, 0 still spooled/);
    await mirrored(hf, "refs/heads/main", sha);
    assert.deepEqual(await hf.spool(), []);
  });

  test("drainSpool with queueSubmit hands spooled pushes to the server's queue", async () => {
    const head = await hf.src.head();
    const entry = {
      version: 1 as const,
      id: newSpoolId(),
      repo: "app",
      side: "source" as const,
      mode: "push" as const,
      config: hf.configPath,
      updates: [{ old: ZERO, new: head, ref: "refs/heads/from-spool" }],
      created_at: new Date().toISOString(),
      attempts: 0,
    };
    await hf.src.git("branch", "from-spool");
    await hf.src.git("push", "--quiet", "origin", "from-spool"); // the installed hook notifies too
    await waitFor("the hook's own delivery", () => bridge.queue.list().some((j) => j.request.ref === "refs/heads/from-spool"));
    await writeSpoolEntry(hf.workDir, entry);
    const config = await loadConfig({ path: hf.configPath, env: hf.env });
    const summary = await drainSpool(hf.workDir, queueSubmit(config, bridge.queue));
    assert.deepEqual(summary.delivered, [entry.id]);
    await mirrored(hf, "refs/heads/from-spool", head);
  });

  // Last: the server may drop a connection it refused mid-upload.
  test("an oversized body is 413 before anything else, chunked or not", async () => {
    const before = bridge.queue.list().length;
    const big = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(1024 * 1024).fill(32));
        c.close();
      },
    });
    const res = await fetch(`${bridge.url}/hooks/post-receive`, { method: "POST", body: big, duplex: "half" } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal(bridge.queue.list().length, before);
  });
});

describe("POST /hooks/post-receive without hooks.secret", () => {
  test("is 404, whatever is sent", async () => {
    const hf = await hookFixture();
    try {
      const config = await loadConfig({ path: hf.configPath, env: hf.env });
      const queued: SyncRequest[] = [];
      const queue: JobQueue = {
        enqueue(req) {
          queued.push(req);
          return Promise.resolve({ status: "accepted", job: { id: "j" } as Job });
        },
        get: () => undefined,
        isOpen: () => true,
      };
      const app = createApp({ config, queue, ready: () => Promise.resolve({ ok: true as const }), log: silentLogger, redact: (s) => s });
      const raw = JSON.stringify({ repo: "app", side: "source", id: "x", updates: [{ old: ZERO, new: "c".repeat(40), ref: "refs/heads/main" }] });
      const res = await app.request("/hooks/post-receive", { method: "POST", body: raw, headers: signNotification("anything", new TextEncoder().encode(raw), Date.now() / 1000) });
      assert.equal(res.status, 404);
      assert.equal((await app.request("/hooks/post-receive")).status, 404);
      assert.deepEqual(queued, []);
    } finally {
      await hf.close();
    }
  });
});

describe("the bridge server drains the hook spool", () => {
  test("a push spooled while nothing could deliver it is mirrored once the server starts", async () => {
    const hf = await hookFixture();
    let bridge: RunningBridge | undefined;
    try {
      const head = await hf.src.commit("spooled before the server started");
      await hf.src.git("push", "--quiet", "origin", "main");
      await writeSpoolEntry(hf.workDir, {
        version: 1,
        id: newSpoolId(),
        repo: "app",
        side: "source",
        mode: "push",
        config: hf.configPath,
        updates: [{ old: ZERO, new: head, ref: "refs/heads/main" }],
        created_at: new Date().toISOString(),
        attempts: 0,
      });
      const config = await loadConfig({ path: hf.configPath, env: hf.env });
      bridge = await startBridge({ config, port: 0, hostname: "127.0.0.1", write: () => {} });
      await mirrored(hf, "refs/heads/main", head);
      assert.ok(bridge.queue.list().some((j) => j.request.source === "hook" && j.request.ref === "refs/heads/main"));
    } finally {
      await bridge?.stop(5000);
      await hf.close();
    }
  });
});
