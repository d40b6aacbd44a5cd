// Both engines connect to the addresses the remote policy checked (Remote.pin), never to what a
// second DNS lookup would say: a name that does not resolve at all works when pinned, and a name
// that resolves to the server fails when pinned elsewhere.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GitServer, startGitServer } from "../../../test/harness/git-server.ts";
import { type WorkTree, workTree } from "../../../test/harness/git-cli.ts";
import { createIsomorphicEngine } from "./isomorphic.ts";
import { createNativeEngine } from "./native.ts";
import { gitEnv } from "./git-process.ts";
import { pinConfig } from "./git-env.ts";
import { pinningWarning } from "./git-version.ts";
import type { GitEngine, Remote } from "./types.ts";

const PASS = "canary-pin-7d1e0c55";
// `.invalid` never resolves (RFC 6761), so only the pin can make this host reachable.
const NOWHERE = "git.pin-test.invalid";

for (const engine of [createNativeEngine(), createIsomorphicEngine()] as GitEngine[]) {
  describe(`${engine.name} engine honours the pinned address`, () => {
    let root: string;
    let server: GitServer;
    let wt: WorkTree;
    let sha: string;
    const at = (host: string, addresses?: string[]): Remote => ({
      url: `http://${host}:${server.port}/org/src.git`,
      auth: { username: "alice", password: PASS },
      ...(addresses ? { pin: { host, port: server.port, addresses } } : {}),
    });

    before(async () => {
      root = await mkdtemp(join(tmpdir(), `pin-${engine.name}-`));
      server = await startGitServer({ root: join(root, "srv"), users: { alice: PASS } });
      await server.createRepo("org/src");
      wt = await workTree(join(root, "wt"), server.authedUrl("org/src"));
      sha = await wt.commit("first");
      await wt.push("HEAD:refs/heads/main");
    });
    after(async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    });

    test("without a pin the unresolvable name fails", async () => {
      await assert.rejects(engine.listRemote(at(NOWHERE), ["refs/heads/*"]));
    });

    test("pinned to the server's address, ls-remote, fetch and push reach it", async () => {
      const remote = at(NOWHERE, ["127.0.0.1"]);
      assert.deepEqual(Object.fromEntries(await engine.listRemote(remote, ["refs/heads/*"])), { "refs/heads/main": sha });
      const cache = join(root, "cache.git");
      await engine.ensureCache(cache);
      await engine.fetch(cache, remote, { patterns: ["refs/heads/*"], namespace: "refs/bridge/source", prune: false });
      assert.equal((await engine.readRefs(cache, "refs/bridge/source")).get("refs/bridge/source/heads/main"), sha);
      const [pushed] = await engine.push(cache, remote, [{ ref: "refs/heads/copy", newOid: sha, expectedOid: null }]);
      assert.equal(pushed.ok, true, pushed.reason);
    });

    test("a name that resolves to the server, pinned to another address, does not reach it", async () => {
      // localhost resolves to 127.0.0.1, where the server listens; the pin says 127.0.0.2, where
      // nothing does. A second lookup would have connected.
      await engine.listRemote(at("localhost"), ["refs/heads/*"]);
      await assert.rejects(engine.listRemote(at("localhost", ["127.0.0.2"]), ["refs/heads/*"]), /unreachable|could not reach|refused/i);
    });
  });
}

test("http.curloptResolve: host:port:addresses, IPv6 in brackets, passed in git's environment", () => {
  assert.deepEqual(pinConfig({ host: "git.example.com", port: 443, addresses: ["140.82.112.3", "2606:4700::1111"] }), [
    "http.curloptResolve",
    "git.example.com:443:140.82.112.3,[2606:4700::1111]",
  ]);
  const env = gitEnv(undefined, { PATH: "/bin" }, { host: "git.example.com", port: 443, addresses: ["140.82.112.3"] });
  const n = Number(env.GIT_CONFIG_COUNT);
  const keys = Array.from({ length: n }, (_, i) => [env[`GIT_CONFIG_KEY_${i}`], env[`GIT_CONFIG_VALUE_${i}`]]);
  assert.deepEqual(keys.find(([k]) => k === "http.curloptResolve"), ["http.curloptResolve", "git.example.com:443:140.82.112.3"]);
});

test("git older than 2.37 cannot be pinned, and the start-up warning says so", async () => {
  assert.equal(await pinningWarning(Promise.resolve("git version 2.39.5\n")), undefined);
  assert.equal(await pinningWarning(Promise.resolve("git version 2.37.0\n")), undefined);
  const old = await pinningWarning(Promise.resolve("git version 2.36.6\n"));
  assert.match(old ?? "", /git version 2\.36\.6 is older than 2\.37.*resolves each remote host again.*DNS rebinding/);
  // The git on this machine: the target is 2.39, which supports the pin.
  assert.equal(await pinningWarning(), undefined);
});
