// The engine contract, end to end: `git-bridge sync` through the CLI against two real git
// smart-HTTP servers, as ONE ordered scenario (each test starts from the state the one before left).
// Run once per engine (sync-native.test.ts, sync-isomorphic.test.ts), with the failure modes of
// sync-failures.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { git, refsOf } from "../harness/git-cli.ts";
import { type BridgeFixture, bridgeFixture, checkCanariesAndClose } from "../harness/bridge-fixture.ts";
import type { SyncResult } from "../../server/mirror/sync.ts";

export type Engine = "native" | "isomorphic";

const syncJson = async (fx: BridgeFixture, ...args: string[]) => {
  const r = await fx.cli("sync", "app", "--json", ...args);
  assert.ok(r.stdout.trim(), `no JSON output; stderr: ${r.stderr}`);
  return { ...r, result: JSON.parse(r.stdout) as SyncResult };
};
const action = (res: SyncResult, ref: string) => res.refs.find((r) => r.ref === ref)?.action;
const receivePacks = (fx: BridgeFixture, server: "source" | "target") =>
  fx[server].requests.filter((r) => r.method === "POST" && r.service === "git-receive-pack").length;

export function syncSuite(engine: Engine): void {
  describe(`sync (${engine} engine)`, () => {
    let fx: BridgeFixture;
    before(async () => {
      fx = await bridgeFixture({ engine });
    });
    after(() => checkCanariesAndClose(fx));

    test("initial sync: branches, annotated and lightweight tags, unicode and dash names, hundreds of tags", async () => {
      await fx.src.commit("first");
      await fx.src.git("tag", "-a", "v1.0.0", "-m", "release 1");
      await fx.src.git("tag", "light");
      await fx.src.git("branch", "fünf-ünïcødé");
      await fx.src.git("update-ref", "refs/heads/-dash", "HEAD");
      await fx.src.commit("second");
      for (let i = 0; i < 250; i++) await fx.src.git("tag", `build-${i}`);
      await fx.src.push("--all");
      await fx.src.push("--tags");

      const { code, result } = await syncJson(fx);
      assert.equal(code, 0);
      assert.equal(result.repo, "app");
      assert.equal(result.direction, "source-to-target");
      assert.equal(typeof result.duration_ms, "number");
      assert.ok(result.refs.every((r) => r.action === "created"), JSON.stringify(result.refs.filter((r) => r.action !== "created")));
      assert.equal(result.refs.length, 3 + 2 + 250); // main, fünf…, -dash; v1.0.0, light; build-*
      assert.deepEqual(await refsOf(fx.target.repoDir(fx.targetRepo)), await refsOf(fx.source.repoDir(fx.sourceRepo)));
      assert.equal(receivePacks(fx, "target"), 1, "all refs went in one push");
      await git(fx.target.repoDir(fx.targetRepo), "fsck", "--no-progress");
    });

    test("no-op sync pushes nothing", async () => {
      const before = receivePacks(fx, "target");
      const { code, result } = await syncJson(fx);
      assert.equal(code, 0);
      assert.ok(result.refs.every((r) => r.action === "unchanged"));
      assert.equal(receivePacks(fx, "target"), before);
    });

    test("incremental sync mirrors one new commit as a fast-forward", async () => {
      const sha = await fx.src.commit("third");
      await fx.src.push("main");
      const { code, result } = await syncJson(fx);
      assert.equal(code, 0);
      const main = result.refs.find((r) => r.ref === "refs/heads/main")!;
      assert.equal(main.action, "updated");
      assert.equal(main.to, sha);
      assert.equal(main.reason, undefined);
      assert.equal((await refsOf(fx.target.repoDir(fx.targetRepo)))["refs/heads/main"], sha);
    });

    test("a target that moved on its own is diverged and kept; other refs still sync", async () => {
      await fx.dst.git("fetch", "--quiet", "origin", "main");
      await fx.dst.git("checkout", "--quiet", "-B", "main", "FETCH_HEAD");
      const theirs = await fx.dst.commit("made on the target");
      await fx.dst.push("main");
      await fx.src.git("checkout", "--quiet", "-b", "feature");
      const feature = await fx.src.commit("feature work");
      await fx.src.git("checkout", "--quiet", "main");
      const ours = await fx.src.commit("fourth");
      await fx.src.push("main", "feature");

      const { code, result } = await syncJson(fx);
      assert.equal(code, 3);
      const main = result.refs.find((r) => r.ref === "refs/heads/main")!;
      assert.equal(main.action, "diverged");
      assert.equal(main.from, theirs);
      assert.equal(main.to, ours);
      assert.match(main.reason!, /never mirrored/);
      assert.equal(action(result, "refs/heads/feature"), "created");
      const target = await refsOf(fx.target.repoDir(fx.targetRepo));
      assert.equal(target["refs/heads/main"], theirs, "the target's own commit was not overwritten");
      assert.equal(target["refs/heads/feature"], feature);

      const human = await fx.cli("sync", "app");
      assert.equal(human.code, 3);
      assert.match(human.stdout, /refs\/heads\/main\s+diverged\s+[0-9a-f]{7}\s+[0-9a-f]{7}/);
    });

    test("on_divergence: force overwrites and keeps the old tip as a backup ref", async () => {
      await fx.writeConfig({ engine, repoExtra: "    on_divergence: force" });
      const theirs = (await refsOf(fx.target.repoDir(fx.targetRepo)))["refs/heads/main"];
      const { code, result } = await syncJson(fx);
      assert.equal(code, 0);
      const main = result.refs.find((r) => r.ref === "refs/heads/main")!;
      assert.equal(main.action, "updated");
      assert.match(main.reason!, /forced/);
      assert.ok(main.backup?.startsWith("refs/bridge/backup/"), JSON.stringify(main));
      const cache = `${fx.workDir}/cache/app.git`;
      assert.equal(await git(cache, "rev-parse", main.backup!), theirs);
      assert.equal(await git(cache, "cat-file", "-t", theirs), "commit", "the target's commit is in the cache");
      await fx.writeConfig({ engine });
    });

    test("an upstream force-push propagates while the target is untouched, with a backup", async () => {
      const old = await fx.src.head();
      await fx.src.git("reset", "--quiet", "--hard", "HEAD~1");
      const rewritten = await fx.src.commit("rewritten history");
      await fx.src.push("--force", "main");
      const { code, result } = await syncJson(fx);
      assert.equal(code, 0);
      const main = result.refs.find((r) => r.ref === "refs/heads/main")!;
      assert.equal(main.action, "updated");
      assert.equal(main.from, old);
      assert.equal(main.to, rewritten);
      assert.match(main.reason!, /rewritten on source/);
      assert.equal(await git(`${fx.workDir}/cache/app.git`, "rev-parse", main.backup!), old);
    });

    test("deletes propagate only with prune, and only where the target is untouched", async () => {
      await fx.src.push("--delete", "feature");
      let { code, result } = await syncJson(fx);
      assert.equal(code, 0);
      assert.equal(action(result, "refs/heads/feature"), "unchanged");
      assert.ok("refs/heads/feature" in await refsOf(fx.target.repoDir(fx.targetRepo)));

      await fx.writeConfig({ engine, repoExtra: "    prune: true" });
      ({ code, result } = await syncJson(fx));
      assert.equal(code, 0);
      assert.equal(action(result, "refs/heads/feature"), "deleted");
      assert.ok(!("refs/heads/feature" in await refsOf(fx.target.repoDir(fx.targetRepo))));

      // The target moved a ref the source deleted: not deleted.
      await fx.src.git("branch", "doomed");
      await fx.src.push("doomed");
      await syncJson(fx);
      await fx.dst.git("fetch", "--quiet", "origin", "doomed");
      await fx.dst.git("checkout", "--quiet", "-B", "doomed", "FETCH_HEAD");
      await fx.dst.commit("target-only work on doomed");
      await fx.dst.push("doomed");
      await fx.src.push("--delete", "doomed");
      ({ code, result } = await syncJson(fx));
      assert.equal(code, 3);
      assert.equal(action(result, "refs/heads/doomed"), "diverged");
      assert.ok("refs/heads/doomed" in await refsOf(fx.target.repoDir(fx.targetRepo)));
      await fx.dst.push("--delete", "doomed");
      await fx.writeConfig({ engine });
    });

    test("--ref syncs just that ref; hostile ref names are refused", async () => {
      await fx.src.git("checkout", "--quiet", "-b", "only-this");
      await fx.src.commit("only this");
      await fx.src.git("checkout", "--quiet", "-b", "not-this");
      await fx.src.commit("not this");
      await fx.src.git("checkout", "--quiet", "main");
      await fx.src.push("only-this", "not-this");
      const { code, result } = await syncJson(fx, "--ref", "refs/heads/only-this");
      assert.equal(code, 0);
      assert.deepEqual(result.refs.map((r) => [r.ref, r.action]), [["refs/heads/only-this", "created"]]);
      assert.ok(!("refs/heads/not-this" in await refsOf(fx.target.repoDir(fx.targetRepo))));
      for (const bad of ["refs/heads/../x", "--upload-pack=touch /tmp/pwned", "refs/heads/a b", "main"]) {
        const r = await fx.cli("sync", "app", `--ref=${bad}`);
        assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
        assert.match(r.stderr, /invalid ref name|full ref name/);
      }
    });

    test("--ref for a ref deleted on the source mirrors the delete (with prune)", async () => {
      await fx.writeConfig({ engine, repoExtra: "    prune: true" });
      await fx.src.push("--delete", "only-this");
      const { code, result } = await syncJson(fx, "--ref", "refs/heads/only-this");
      assert.equal(code, 0);
      assert.deepEqual(result.refs.map((r) => [r.ref, r.action]), [["refs/heads/only-this", "deleted"]]);
      assert.ok(!("refs/heads/only-this" in await refsOf(fx.target.repoDir(fx.targetRepo))));
      await fx.writeConfig({ engine });
    });

    test("refs.exclude filters refs and never pushes them", async () => {
      await fx.writeConfig({ engine, repoExtra: "    refs:\n      exclude: [\"refs/heads/wip/*\"]" });
      await fx.src.git("branch", "wip/secret-experiment");
      await fx.src.push("wip/secret-experiment");
      const { code, result } = await syncJson(fx);
      assert.equal(code, 0);
      assert.equal(action(result, "refs/heads/wip/secret-experiment"), "filtered");
      assert.ok(!("refs/heads/wip/secret-experiment" in await refsOf(fx.target.repoDir(fx.targetRepo))));
      await fx.writeConfig({ engine });
    });

    test("bidirectional: the side that moved wins, an echo pushes nothing, both moved is diverged", async () => {
      await fx.writeConfig({ engine, direction: "bidirectional" });
      await syncJson(fx); // settle the ledger for every ref
      // A commit on the target flows to the source.
      await fx.dst.git("fetch", "--quiet", "origin", "main");
      await fx.dst.git("checkout", "--quiet", "-B", "main", "FETCH_HEAD");
      const fromTarget = await fx.dst.commit("made on target, bidirectional");
      await fx.dst.push("main");
      let { code, result } = await syncJson(fx);
      assert.equal(code, 0);
      const main = result.refs.find((r) => r.ref === "refs/heads/main")!;
      assert.equal(main.action, "updated");
      assert.equal(main.direction, "target-to-source");
      assert.equal((await refsOf(fx.source.repoDir(fx.sourceRepo)))["refs/heads/main"], fromTarget);

      // Echo: both sides equal → no push at all.
      const pushes = receivePacks(fx, "source") + receivePacks(fx, "target");
      ({ code, result } = await syncJson(fx));
      assert.equal(code, 0);
      assert.ok(result.refs.every((r) => r.action === "unchanged"));
      assert.equal(receivePacks(fx, "source") + receivePacks(fx, "target"), pushes);

      // Both moved.
      await fx.src.git("fetch", "--quiet", "origin", "main");
      await fx.src.git("reset", "--quiet", "--hard", "FETCH_HEAD");
      await fx.src.commit("source side");
      await fx.src.push("main");
      await fx.dst.commit("target side");
      await fx.dst.push("main");
      ({ code, result } = await syncJson(fx));
      assert.equal(code, 3);
      assert.equal(action(result, "refs/heads/main"), "diverged");

      // --direction limits the sync to one way.
      const limited = await fx.cli("sync", "app", "--direction", "target-to-source", "--json");
      assert.equal(JSON.parse(limited.stdout).direction, "target-to-source");
      await fx.writeConfig({ engine });
    });

    test("status compares both sides from advertisements", async () => {
      await syncJson(fx, "--direction", "source-to-target").catch(() => {});
      const r = await fx.cli("status", "app", "--json");
      const status = JSON.parse(r.stdout);
      assert.equal(status.repo, "app");
      assert.ok(["in_sync", "behind", "ahead", "diverged"].includes(status.state));
      const main = status.refs.find((x: { ref: string }) => x.ref === "refs/heads/main");
      assert.equal(main.state, "diverged");
      assert.equal(r.code, 3);
      const human = await fx.cli("status", "--all");
      assert.match(human.stdout, /^app\s+diverged/m);
    });
  });
}
