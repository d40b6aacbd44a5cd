// The isomorphic engine's push against a real git smart-HTTP server: one receive-pack request per
// push, each object once, small incremental packs, per-ref compare-and-swap.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitServer, type GitServer } from "../../../test/harness/git-server.ts";
import { git, refsOf, workTree, type WorkTree } from "../../../test/harness/git-cli.ts";
import { createIsomorphicEngine } from "./isomorphic.ts";
import { readPkts } from "./pkt-line.ts";
import type { PushUpdate, Remote } from "./types.ts";

const CANARY = "canary-iso-push-4b8d0a";
const NS = "refs/bridge/src";
const ALL = ["refs/heads/*", "refs/tags/*"];

/** What one receive-pack POST carried: its size and the object count from the pack header. */
interface PushBody {
  bytes: number;
  objects: number | null;
}

function inspectPush(body: Uint8Array): PushBody {
  for (const pkt of readPkts(body)) {
    if (pkt.kind !== "flush") continue;
    const pack = body.subarray(pkt.end);
    if (pack.length === 0) return { bytes: body.length, objects: null };
    assert.equal(new TextDecoder().decode(pack.subarray(0, 4)), "PACK");
    return { bytes: body.length, objects: new DataView(pack.buffer, pack.byteOffset).getUint32(8) };
  }
  throw new Error("no flush in receive-pack request");
}

describe("isomorphic engine: push", () => {
  let root: string;
  let server: GitServer;
  let wt: WorkTree;
  let cache: string;
  const pushes: PushBody[] = [];
  // Wraps fetch to see exactly what each push sends.
  const engine = createIsomorphicEngine({
    fetch: async (input, init) => {
      if (init?.method === "POST" && String(input).endsWith("/git-receive-pack")) pushes.push(inspectPush(init.body as Uint8Array));
      return globalThis.fetch(input, init);
    },
  });
  const auth = { username: "alice", password: CANARY };
  const at = (path: string): Remote => ({ url: server.repoUrl(path), auth });
  const receivePosts = (path: string) =>
    server.requests.filter((r) => r.method === "POST" && r.service === "git-receive-pack" && r.path === `/${path}.git/git-receive-pack`).length;
  const cached = async (ref: string) => (await engine.readRefs(cache, `${NS}/${ref.slice(5)}`)).get(`${NS}/${ref.slice(5)}`) as string;
  const refresh = () => engine.fetch(cache, at("org/src"), { patterns: ALL, namespace: NS, prune: true });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "iso-push-"));
    server = await startGitServer({ root: join(root, "srv"), users: { alice: CANARY } });
    await server.createRepo("org/src");
    await server.createRepo("org/target");
    wt = await workTree(join(root, "wt"), server.authedUrl("org/src"));
    await wt.commit("first", { "a.txt": "a\n", "lib/deep/b.txt": "b\n" });
    await wt.git("tag", "-a", "v1", "-m", "release 1");
    await wt.git("branch", "dev");
    await wt.commit("second", { "lib/deep/b.txt": "b2\n", "c.txt": "c\n" });
    await wt.git("tag", "light");
    await wt.git("branch", "fünf");
    await wt.push("--all");
    await wt.push("--tags");
    cache = join(root, "cache");
    await engine.ensureCache(cache);
    await refresh();
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  test("3 new branches + 2 tags to an empty repository: one receive-pack POST, each object once", async () => {
    const refs = ["refs/heads/main", "refs/heads/dev", "refs/heads/fünf", "refs/tags/v1", "refs/tags/light"];
    const updates: PushUpdate[] = [];
    for (const ref of refs) updates.push({ ref, newOid: await cached(ref), expectedOid: null });
    pushes.length = 0;
    const results = await engine.push(cache, at("org/target"), updates);
    assert.deepEqual(results, refs.map((ref) => ({ ref, ok: true })));
    assert.equal(receivePosts("org/target"), 1);
    const reachable = (await git(server.repoDir("org/src"), "rev-list", "--objects", "--all")).split("\n").length;
    assert.deepEqual(pushes.map((p) => p.objects), [reachable], "every reachable object exactly once");
    assert.deepEqual(await refsOf(server.repoDir("org/target")), await refsOf(server.repoDir("org/src")));
    await git(server.repoDir("org/target"), "fsck", "--no-progress", "--strict");
  });

  test("incremental push after one commit sends only that commit's new objects", async () => {
    const old = await cached("refs/heads/main");
    const tip = await wt.commit("third");
    await wt.push("main");
    await refresh();
    pushes.length = 0;
    const results = await engine.push(cache, at("org/target"), [{ ref: "refs/heads/main", newOid: tip, expectedOid: old }]);
    assert.deepEqual(results, [{ ref: "refs/heads/main", ok: true }]);
    assert.equal(pushes.length, 1);
    assert.equal(pushes[0].objects, 3, "commit + root tree + one blob");
    assert.ok(pushes[0].bytes < 1024, `push body was ${pushes[0].bytes} bytes`);
    assert.equal((await refsOf(server.repoDir("org/target")))["refs/heads/main"], tip);
    await git(server.repoDir("org/target"), "fsck", "--no-progress");
  });

  test("compare-and-swap: a stale lease fails alone, correct leases land, create over an existing ref fails", async () => {
    const target = server.repoDir("org/target");
    const before = await refsOf(target);
    const main = before["refs/heads/main"];
    const dev = before["refs/heads/dev"];
    const posts = receivePosts("org/target");
    const results = await engine.push(cache, at("org/target"), [
      { ref: "refs/heads/main", newOid: dev, expectedOid: dev }, // stale: target main is not at dev
      { ref: "refs/heads/new", newOid: main, expectedOid: null },
      { ref: "refs/heads/dev", newOid: null, expectedOid: dev },
      { ref: "refs/heads/fünf", newOid: main, expectedOid: null }, // exists already
      { ref: "refs/tags/light", newOid: dev, expectedOid: before["refs/tags/light"] }, // rewrite, lease ok
    ]);
    assert.deepEqual(results, [
      { ref: "refs/heads/main", ok: false, reason: "stale info" },
      { ref: "refs/heads/new", ok: true },
      { ref: "refs/heads/dev", ok: true },
      { ref: "refs/heads/fünf", ok: false, reason: "stale info" },
      { ref: "refs/tags/light", ok: true },
    ]);
    assert.equal(receivePosts("org/target"), posts + 1);
    const now = await refsOf(target);
    assert.equal(now["refs/heads/main"], main);
    assert.equal(now["refs/heads/new"], main);
    assert.equal(now["refs/heads/dev"], undefined);
    assert.equal(now["refs/heads/fünf"], before["refs/heads/fünf"]);
    assert.equal(now["refs/tags/light"], dev);

    // Deletes only: no pack at all. Nothing to do: no request at all.
    pushes.length = 0;
    const del = await engine.push(cache, at("org/target"), [{ ref: "refs/heads/new", newOid: null, expectedOid: main }]);
    assert.deepEqual(del, [{ ref: "refs/heads/new", ok: true }]);
    assert.deepEqual(pushes.map((p) => p.objects), [null]);
    const same = await engine.push(cache, at("org/target"), [{ ref: "refs/heads/main", newOid: main, expectedOid: main }]);
    assert.deepEqual(same, [{ ref: "refs/heads/main", ok: true }]);
    assert.equal(pushes.length, 1);
    await git(target, "fsck", "--no-progress");
  });

  test("bench-ish: 300 commits, 3 branches, 50 tags in one request; timed against native git push", async (t) => {
    await server.createRepo("org/big");
    await server.createRepo("org/big-iso");
    await server.createRepo("org/big-native");
    await fastImport(server.repoDir("org/big"), 300, 50);
    const bigCache = join(root, "big-cache");
    const t0 = performance.now();
    await engine.fetch(bigCache, at("org/big"), { patterns: ALL, namespace: NS, prune: true });
    const fetchMs = performance.now() - t0;
    const refs = await engine.readRefs(bigCache, NS);
    assert.equal(refs.size, 3 + 50);
    const updates = [...refs].map(([ref, oid]) => ({ ref: `refs/${ref.slice(NS.length + 1)}`, newOid: oid, expectedOid: null }));

    const posts = receivePosts("org/big-iso");
    const t1 = performance.now();
    const results = await engine.push(bigCache, at("org/big-iso"), updates);
    const isoMs = performance.now() - t1;
    assert.ok(results.every((r) => r.ok), JSON.stringify(results.filter((r) => !r.ok)));
    assert.equal(receivePosts("org/big-iso"), posts + 1, "one request for 53 refs");
    assert.deepEqual(await refsOf(server.repoDir("org/big-iso")), await refsOf(server.repoDir("org/big")));
    await git(server.repoDir("org/big-iso"), "fsck", "--no-progress");

    const t2 = performance.now();
    await git(bigCache, "push", "--quiet", server.authedUrl("org/big-native"), `${NS}/heads/*:refs/heads/*`, `${NS}/tags/*:refs/tags/*`);
    const nativeMs = performance.now() - t2;
    assert.deepEqual(await refsOf(server.repoDir("org/big-native")), await refsOf(server.repoDir("org/big")));
    const line = `fetch ${fetchMs.toFixed(0)} ms; push 53 refs: isomorphic ${isoMs.toFixed(0)} ms ` +
      `(${pushes.at(-1)?.bytes} bytes, ${pushes.at(-1)?.objects} objects) vs native git ${nativeMs.toFixed(0)} ms`;
    t.diagnostic(line);
  });
});

/** A linear history of `commits` commits on main (plus two branches) and `tags` annotated tags. */
async function fastImport(bareDir: string, commits: number, tags: number): Promise<void> {
  const lines: string[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}`;
  for (let i = 1; i <= commits; i++) {
    const body = Array.from({ length: 40 }, (_, k) => `line ${k} of file ${i % 25} at commit ${i}`).join("\n");
    lines.push(`commit refs/heads/main`, `mark :${i}`, `committer T <t@example.com> ${1_700_000_000 + i * 60} +0000`);
    lines.push(data(`commit ${i}\n`) + (i > 1 ? `from :${i - 1}` : ""));
    lines.push(`M 100644 inline src/dir${i % 5}/file-${i % 25}.txt`, data(`${body}\n`));
  }
  lines.push(`reset refs/heads/release`, `from :${Math.floor(commits / 2)}`, `reset refs/heads/old`, `from :10`);
  for (let k = 0; k < tags; k++) {
    lines.push(`tag v${k}`, `from :${1 + Math.floor((k * commits) / tags)}`, `tagger T <t@example.com> 1700000000 +0000`, data(`v${k}\n`));
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn("git", ["fast-import", "--quiet"], { cwd: bareDir, stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (b) => (err += b));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`fast-import: ${err}`))));
    child.stdin.end(lines.join("\n") + "\n");
  });
}
