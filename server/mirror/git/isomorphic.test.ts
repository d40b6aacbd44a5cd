// The isomorphic engine against a real git smart-HTTP server: discovery, fetch, errors.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitServer, type GitServer } from "../../../test/harness/git-server.ts";
import { git, refsOf, workTree, type WorkTree } from "../../../test/harness/git-cli.ts";
import { AuthError, RemoteError, TimeoutError } from "../../errors.ts";
import { createIsomorphicEngine } from "./isomorphic.ts";
import type { Remote } from "./types.ts";

const CANARY = "canary-iso-9f2c7e1d-pass";
const NS = "refs/bridge/src";
const ALL = ["refs/heads/*", "refs/tags/*"];

describe("isomorphic engine: discovery and fetch", () => {
  let root: string;
  let server: GitServer;
  let wt: WorkTree;
  let remote: Remote;
  const engine = createIsomorphicEngine();
  const uploadPosts = () => server.requests.filter((r) => r.method === "POST" && r.service === "git-upload-pack").length;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "iso-engine-"));
    server = await startGitServer({ root: join(root, "srv"), users: { alice: CANARY } });
    await server.createRepo("org/src");
    await server.createRepo("org/empty");
    remote = { url: server.repoUrl("org/src"), auth: { username: "alice", password: CANARY } };
    wt = await workTree(join(root, "wt"), server.authedUrl("org/src"));
    await wt.commit("first");
    await wt.git("tag", "-a", "v1", "-m", "release 1");
    await wt.git("tag", "light");
    await wt.git("branch", "dev");
    await wt.git("branch", "fünf");
    await wt.git("update-ref", "refs/heads/-dash", "HEAD");
    await wt.git("branch", "feature/deep/x");
    await wt.commit("second", { "dir/sub/a.txt": "a\n", "b.txt": "b\n" });
    await wt.push("--all");
    await wt.push("--tags");
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  test("listRemote returns heads and unpeeled tags; an empty repository gives an empty map", async () => {
    const refs = await engine.listRemote(remote, ALL);
    assert.deepEqual(Object.fromEntries(refs), await refsOf(server.repoDir("org/src")));
    assert.equal(refs.get("refs/tags/v1"), await wt.git("rev-parse", "v1"));
    assert.notEqual(refs.get("refs/tags/v1"), refs.get("refs/heads/dev"), "annotated tag is the tag object");
    assert.ok(refs.has("refs/heads/fünf") && refs.has("refs/heads/-dash"));
    assert.deepEqual([...(await engine.listRemote(remote, ["refs/heads/feature/*"])).keys()], ["refs/heads/feature/deep/x"]);
    assert.deepEqual([...(await engine.listRemote(remote, ["refs/heads/main"])).keys()], ["refs/heads/main"]);
    const empty = await engine.listRemote({ ...remote, url: server.repoUrl("org/empty") }, ALL);
    assert.equal(empty.size, 0);
  });

  test("fetch into a namespace: every ref kind, readable by native git, no-op refetch, prune", async () => {
    const cache = join(root, "cache-fetch");
    await engine.ensureCache(cache);
    await engine.ensureCache(cache); // idempotent
    const posts0 = uploadPosts();
    await engine.fetch(cache, remote, { patterns: ALL, namespace: NS, prune: true });
    assert.equal(uploadPosts(), posts0 + 1, "one upload-pack request for all refs");

    const expected = Object.fromEntries(
      Object.entries(await refsOf(server.repoDir("org/src"))).map(([ref, oid]) => [`${NS}/${ref.slice(5)}`, oid]),
    );
    assert.deepEqual(Object.fromEntries(await engine.readRefs(cache, NS)), expected);
    assert.deepEqual(await refsOf(cache), expected, "native git sees the same refs");
    await git(cache, "fsck", "--no-progress", "--strict");
    assert.equal(await git(cache, "cat-file", "-t", `${NS}/tags/v1`), "tag");
    assert.match(await git(cache, "log", "--format=%s", `${NS}/heads/fünf`), /first/);
    assert.match(await git(cache, "log", "--format=%s", `${NS}/heads/-dash`), /first/);
    assert.equal(await git(cache, "show", `${NS}/heads/main:dir/sub/a.txt`), "a");

    // Nothing new: the advertisement alone settles it.
    await engine.fetch(cache, remote, { patterns: ALL, namespace: NS, prune: true });
    assert.equal(uploadPosts(), posts0 + 1, "no POST when nothing is wanted");

    // A new commit and a deleted branch: only the new objects come, the stale ref goes.
    const tip = await wt.commit("third");
    await wt.push("main");
    await wt.push(":refs/heads/dev");
    await engine.fetch(cache, remote, { patterns: ALL, namespace: NS, prune: true });
    const refs = await engine.readRefs(cache, NS);
    assert.equal(refs.get(`${NS}/heads/main`), tip);
    assert.equal(refs.has(`${NS}/heads/dev`), false, "pruned");
    assert.ok(refs.has(`${NS}/heads/feature/deep/x`));
    await git(cache, "fsck", "--no-progress");

    // Prune stays within the patterns; without prune nothing is deleted.
    await engine.updateRefs(cache, [{ ref: `${NS}/heads/gone`, oid: tip }, { ref: `${NS}/notes/x`, oid: tip }]);
    await engine.fetch(cache, remote, { patterns: ["refs/heads/*"], namespace: NS, prune: false });
    assert.ok((await engine.readRefs(cache, NS)).has(`${NS}/heads/gone`));
    await engine.fetch(cache, remote, { patterns: ["refs/heads/*"], namespace: NS, prune: true });
    const after = await engine.readRefs(cache, NS);
    assert.ok(!after.has(`${NS}/heads/gone`) && after.has(`${NS}/notes/x`) && after.has(`${NS}/tags/v1`));
  });

  test("local refs: readRefs by prefix, updateRefs writes and deletes, packed refs from native git", async () => {
    const cache = join(root, "cache-refs");
    await engine.fetch(cache, remote, { patterns: ["refs/heads/main"], namespace: NS, prune: false });
    const main = (await engine.readRefs(cache, `${NS}/heads/main`)).get(`${NS}/heads/main`);
    assert.ok(main);
    await engine.updateRefs(cache, [
      { ref: "refs/bridge/ledger/heads/a", oid: main },
      { ref: "refs/bridge/ledger/heads/b/c", oid: main },
    ]);
    await git(cache, "pack-refs", "--all");
    assert.deepEqual([...(await engine.readRefs(cache, "refs/bridge/ledger/")).keys()], [
      "refs/bridge/ledger/heads/a",
      "refs/bridge/ledger/heads/b/c",
    ]);
    assert.equal((await engine.readRefs(cache, "refs/bridge/led")).size, 0, "prefix matches whole components");
    await engine.updateRefs(cache, [{ ref: "refs/bridge/ledger/heads/a", oid: null }]);
    assert.deepEqual(Object.keys(await refsOf(cache)).filter((r) => r.includes("ledger")), ["refs/bridge/ledger/heads/b/c"]);
    await engine.updateRefs(cache, [
      { ref: "refs/bridge/ledger/heads/b/c", oid: null },
      { ref: "refs/bridge/ledger/heads/b", oid: main },
    ]);
    assert.deepEqual([...(await engine.readRefs(cache, "refs/bridge/ledger")).keys()], ["refs/bridge/ledger/heads/b"]);
    await git(cache, "fsck", "--no-progress");
  });

  test("ancestry peels tags and says undefined for unknown objects", async () => {
    const cache = join(root, "cache-fetch");
    const refs = await engine.readRefs(cache, NS);
    const main = refs.get(`${NS}/heads/main`) as string;
    const v1 = refs.get(`${NS}/tags/v1`) as string;
    const unknown = "1".repeat(40);
    assert.deepEqual(await engine.ancestry(cache, [[v1, main], [main, v1], [main, main], [unknown, main], [main, unknown]]), [
      true,
      false,
      true,
      undefined,
      undefined,
    ]);
  });

  test("errors: wrong password is AuthError without the password; a down server is RemoteError", async () => {
    const bad = { url: remote.url, auth: { username: "alice", password: `${CANARY}-wrong` } };
    await assert.rejects(engine.listRemote(bad, ALL), (err: Error) => {
      assert.ok(err instanceof AuthError, String(err));
      assert.match(err.message, /authentication failed for http:\/\/127\.0\.0\.1:\d+\/org\/src\.git: check/);
      assert.ok(!JSON.stringify({ m: err.message, s: err.stack, d: (err as AuthError).data }).includes(CANARY));
      return true;
    });
    await assert.rejects(engine.push(join(root, "cache-fetch"), bad, []), AuthError);
    await assert.rejects(engine.listRemote({ url: server.repoUrl("org/nope") , auth: remote.auth }, ALL), AuthError);
    server.setDown(true);
    try {
      await assert.rejects(engine.listRemote(remote, ALL), (err: Error) => {
        assert.ok(err instanceof RemoteError, String(err));
        assert.ok(!err.message.includes(CANARY));
        return true;
      });
      await assert.rejects(engine.fetch(join(root, "cache-down"), remote, { patterns: ALL, namespace: NS, prune: false }), RemoteError);
    } finally {
      server.setDown(false);
    }
  });

  test("errors: redirects are refused naming the host, credentials in URLs are refused, abort stops", async () => {
    const redirecting = createIsomorphicEngine({
      fetch: async () => new Response(null, { status: 302, headers: { location: "https://elsewhere.example/x.git" } }),
    });
    await assert.rejects(redirecting.listRemote(remote, ALL), (err: Error) => {
      assert.ok(err instanceof RemoteError);
      assert.match(err.message, /elsewhere\.example/);
      return true;
    });
    await assert.rejects(engine.listRemote({ url: server.authedUrl("org/src") }, ALL), (err: Error) => {
      assert.ok(!err.message.includes(CANARY));
      return true;
    });
    const ac = new AbortController();
    server.setDelay(500);
    try {
      const pending = engine.listRemote(remote, ALL, { signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      await assert.rejects(pending, TimeoutError);
    } finally {
      server.setDelay(0);
    }
  });
});
