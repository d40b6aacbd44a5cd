// `git-bridge reconcile` through the CLI against two real git hosts: exit 0 when everything ends
// in sync (syncing what drifted), 3 when a ref stays diverged, 1 when a side cannot be read, 2 on
// bad usage; --json output; no credential in any output or file.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type BridgeFixture, bridgeFixture, CANARY_TARGET, checkCanariesAndClose } from "../harness/bridge-fixture.ts";
import { refsOf } from "../harness/git-cli.ts";
import { readFile, writeFile } from "node:fs/promises";

describe("git-bridge reconcile", () => {
  let fx: BridgeFixture;
  before(async () => {
    fx = await bridgeFixture({ engine: "native" });
  });
  after(() => checkCanariesAndClose(fx));

  test("syncs a repo that drifted and exits 0 once both sides agree", async () => {
    const sha = await fx.src.commit("first");
    await fx.src.push("main");
    const r = await fx.cli("reconcile", "app", "--json");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.before, "behind");
    assert.equal(out.synced, true);
    assert.deepEqual(out.changes, [{ ref: "refs/heads/main", action: "created" }]);
    assert.equal(out.state, "in_sync");
    assert.equal((await refsOf(fx.target.repoDir(fx.targetRepo)))["refs/heads/main"], sha);
  });

  test("an in-sync repo: nothing to do, no push", async () => {
    const pushes = fx.target.requests.filter((q) => q.method === "POST" && q.service === "git-receive-pack").length;
    const r = await fx.cli("reconcile", "--all");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^app {2}in_sync -> in_sync {2}\(nothing to do\)$/m);
    assert.equal(fx.target.requests.filter((q) => q.method === "POST" && q.service === "git-receive-pack").length, pushes);
  });

  test("a ref that stays diverged: exit 3 and the ref listed", async () => {
    await fx.dst.git("fetch", "--quiet", "origin", "main");
    await fx.dst.git("checkout", "--quiet", "-B", "main", "FETCH_HEAD");
    await fx.dst.commit("target only");
    await fx.dst.push("main");
    await fx.src.commit("source only");
    await fx.src.push("main");
    const r = await fx.cli("reconcile", "--all");
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^app {2}diverged -> diverged/m);
    assert.match(r.stdout, /^ {2}diverged refs\/heads\/main {2}source [0-9a-f]{7} {2}target [0-9a-f]{7}$/m);
    const json = JSON.parse((await fx.cli("reconcile", "--all", "--json")).stdout);
    assert.equal(json.repos[0].state, "diverged");
    assert.equal(json.repos[0].synced, false, "a sync would skip the diverged ref");
  });

  test("usage errors exit 2; a side that cannot be read exits 1 with a redacted reason", async () => {
    assert.equal((await fx.cli("reconcile")).code, 2);
    assert.equal((await fx.cli("reconcile", "app", "--all")).code, 2);
    const unknown = await fx.cli("reconcile", "nope");
    assert.equal(unknown.code, 2);
    fx.env.DST_PASS = "wrong-password-for-this-test";
    try {
      const r = await fx.cli("reconcile", "app");
      assert.equal(r.code, 1);
      assert.match(r.stdout, /error: authentication failed/);
    } finally {
      fx.env.DST_PASS = CANARY_TARGET;
    }
  });

  test("config check reads the schedule with cron: a value out of range exits 2 and says which setting", async () => {
    const original = await readFile(fx.configPath, "utf8");
    await writeFile(fx.configPath, original.replace("reconcile:\n  enabled: false", 'reconcile:\n  enabled: true\n  schedule: "61 * * * *"'));
    try {
      const r = await fx.cli("config", "check");
      assert.equal(r.code, 2);
      assert.match(r.stderr, /reconcile\.schedule "61 \* \* \* \*" is not a cron expression cron can read .*out of range/);
    } finally {
      await writeFile(fx.configPath, original);
    }
  });
});
