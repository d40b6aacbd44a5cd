// The post-receive hook in push mode, end to end: a real `git push` over smart HTTP into a bare
// repo whose hook (installed by `git-bridge hooks install`) runs the engine against a real target;
// and what the hook adds to a push. Chaining existing hooks and the server layouts:
// hooks-layouts.test.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CANARY_SOURCE, CANARY_TARGET } from "../harness/bridge-fixture.ts";
import { git } from "../harness/git-cli.ts";
import {
  canaryCheckAndClose,
  FEEDBACK,
  hookFixture,
  type HookFixture,
  mirrored,
  runShim,
  waitFor,
  workersDone,
  ZERO,
} from "../../hooks/test-kit.ts";

describe("post-receive hook, push mode", () => {
  let hf: HookFixture;
  before(async () => {
    hf = await hookFixture();
  });
  after(() => canaryCheckAndClose(hf));

  test("a push is mirrored within seconds, only the pushed refs, with one line for the pusher", async () => {
    // Pushed before the hook existed: a full sync would mirror it, the hook must not.
    await hf.src.commit("before the hook");
    await hf.src.git("branch", "not-pushed-by-hook");
    await hf.push("not-pushed-by-hook");

    const inst = await hf.install();
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /installed .*hooks\/post-receive \(hooks layout\)/);

    const sha = await hf.src.commit("first");
    await hf.src.git("tag", "-a", "v1", "-m", "release 1");
    const r = await hf.push("main", "v1");
    assert.match(r.stderr, FEEDBACK);
    await mirrored(hf, "refs/heads/main", sha);
    const tag = (await hf.sourceRefs())["refs/tags/v1"];
    await mirrored(hf, "refs/tags/v1", tag);
    await workersDone(hf, 1);
    assert.ok(!("refs/heads/not-pushed-by-hook" in await hf.targetRefs()), "the hook synced more than the pushed refs");
    assert.deepEqual(await hf.spool(), []);
  });

  test("the engine's rules apply: a diverged target is kept and reported to the pusher", async () => {
    await hf.dst.git("fetch", "--quiet", "origin", "main");
    await hf.dst.git("checkout", "--quiet", "-B", "main", "FETCH_HEAD");
    const theirs = await hf.dst.commit("made on the target");
    await hf.dst.push("main");
    await hf.src.commit("ours");
    const r = await hf.push("main");
    assert.match(r.stderr, /git-bridge: (not mirrored to dst-host: main diverged|mirroring in the background)/);
    await workersDone(hf, 2);
    assert.equal((await hf.targetRefs())["refs/heads/main"], theirs, "the target's own commit was overwritten");
    // Put the target back where the bridge left it, for the tests that follow.
    await git(hf.targetDir, "update-ref", "refs/heads/main", `${theirs}^`);
  });

  test("deletes are mirrored only with prune", async () => {
    await hf.src.git("branch", "doomed");
    await hf.push("doomed");
    await mirrored(hf, "refs/heads/doomed", await hf.src.head());
    await workersDone(hf, 3);
    await hf.push("--delete", "doomed");
    await workersDone(hf, 4);
    assert.ok("refs/heads/doomed" in await hf.targetRefs(), "deleted without prune");

    await hf.writeConfig({ repoExtra: "    prune: true" });
    await hf.src.git("branch", "doomed2");
    await hf.push("doomed2");
    await mirrored(hf, "refs/heads/doomed2", await hf.src.head());
    await workersDone(hf, 5);
    const r = await hf.push("--delete", "doomed2");
    assert.match(r.stderr, FEEDBACK);
    await mirrored(hf, "refs/heads/doomed2", undefined);
    await hf.writeConfig({});
  });

  test("hostile ref lines given to the hook directly are refused and nothing is pushed", async () => {
    const shim = join(hf.sourceDir, "hooks", "post-receive");
    const head = await hf.src.head();
    const before = await hf.targetRefs();
    const spoolBefore = (await hf.spool()).length;
    const lines = [
      `${ZERO} ${head} refs/heads/../x`,
      `${ZERO} ${head} refs/heads/a b`,
      `${ZERO} ${head} --upload-pack=touch /tmp/pwned`,
      `${ZERO} ${head} refs/heads/$(touch ${hf.dir}/pwned)`,
      `${ZERO} not-a-sha refs/heads/ok`,
      `${ZERO} ${head} main`,
      "\u001b[31mred\u001b[0m",
    ];
    const r = await runShim(shim, hf.sourceDir, lines.join("\n") + "\n");
    assert.equal(r.code, 0);
    assert.equal(r.stderr.match(/git-bridge: refused ref update/g)?.length, lines.length, r.stderr);
    assert.match(r.stderr, /invalid ref name "refs\/heads\/\.\.\/x"/);
    assert.ok(!r.stderr.includes("\u001b"), "a control character reached the pusher's terminal");
    assert.equal((await hf.spool()).length, spoolBefore, "a hostile line was spooled");
    assert.deepEqual(await hf.targetRefs(), before);
    await assert.rejects(stat(join(hf.dir, "pwned")));
  });

  test("target down: the push returns at once, the push is spooled, and the next run delivers it", async () => {
    hf.target.setDown(true);
    const sha = await hf.src.commit("while the target is down");
    const r = await hf.push("main");
    assert.match(r.stderr, /git-bridge: (queued: target unreachable \(will retry\)|mirroring in the background)/);
    const [entry] = await waitFor("a spooled entry with a failed attempt", async () => {
      const s = await hf.spool();
      return s.length === 1 && s[0].attempts >= 1 && s;
    });
    assert.deepEqual(entry.updates.map((u) => u.ref), ["refs/heads/main"]);
    assert.equal(entry.repo, "app");
    assert.match(entry.last_error!, /unreachable/);
    const spoolFiles = await readdir(join(hf.workDir, "spool"));
    assert.ok(spoolFiles.every((f) => !f.includes(".tmp")), `leftover temp files: ${spoolFiles}`);
    assert.equal((await stat(join(hf.workDir, "spool", `${entry.id}.json`))).mode & 0o077, 0);

    hf.target.setDown(false);
    await hf.src.git("checkout", "--quiet", "-b", "after-outage");
    const feature = await hf.src.commit("after the outage");
    await hf.src.git("checkout", "--quiet", "main");
    await hf.push("after-outage");
    // The next run drains the old entry first: main arrives although only after-outage was pushed.
    await mirrored(hf, "refs/heads/main", sha);
    await mirrored(hf, "refs/heads/after-outage", feature);
    await waitFor("an empty spool", async () => (await hf.spool()).length === 0);
    assert.match(await hf.hookLog(), /"outcome":"retry"/);
  });

  test("a broken set-up never fails the push: the hook says so in one line and exits 0", async () => {
    await writeFile(hf.envFile, "SRC_USER=mirror\n", { mode: 0o600 }); // the passwords are gone
    await hf.src.commit("with a broken hook");
    const r = await hf.push("main");
    assert.match(r.stderr, /git-bridge: (queued: the mirror could not start, see the hook log \(will retry\)|mirroring in the background)/);
    await waitFor("the worker's error in the log", async () => /SRC_PASS/.test(await hf.hookLog()));
    await writeFile(hf.envFile, `SRC_USER=mirror\nSRC_PASS=${CANARY_SOURCE}\nDST_USER=mirror\nDST_PASS=${CANARY_TARGET}\n`, { mode: 0o600 });
    await hf.push("--delete", "after-outage"); // any push: the spooled main goes with it
    await mirrored(hf, "refs/heads/main", await hf.src.head());
    await waitFor("an empty spool", async () => (await hf.spool()).length === 0);
  });
});

describe("a slow mirror never holds up the push", () => {
  let hf: HookFixture;
  before(async () => {
    hf = await hookFixture();
  });
  after(() => canaryCheckAndClose(hf));

  // What the hook adds to a push on an idle machine is measured by `npm run bench:startup`; here
  // only what happens: the pusher is not kept waiting for a sync that cannot finish in the budget.
  test("a target that answers after 5 s: the pusher is told the mirror goes on in the background, and it lands", async () => {
    assert.equal((await hf.install()).code, 0);
    hf.target.setDelay(5000); // each request: a sync (info/refs + receive-pack) takes over 10 s
    try {
      const sha = await hf.src.commit("slow target");
      const r = await hf.push("main");
      assert.match(r.stderr, /remote: git-bridge: mirroring in the background/);
      assert.ok(!("refs/heads/main" in await hf.targetRefs()), "the push waited for the mirror");
      await mirrored(hf, "refs/heads/main", sha, 60_000);
      await workersDone(hf, 1, 60_000);
    } finally {
      hf.target.setDelay(0);
    }
  });
});
