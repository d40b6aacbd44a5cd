// The post-receive hook in push mode, end to end: a real `git push` over smart HTTP into a bare
// repo whose hook (installed by `git-bridge hooks install`) runs the engine against a real target.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CANARY_SOURCE, CANARY_TARGET, filesContaining } from "../harness/bridge-fixture.ts";
import { git } from "../harness/git-cli.ts";
import { hookFixture, type HookFixture, mirrored, runShim, waitFor, workersDone } from "../../hooks/test-kit.ts";

const ZERO = "0".repeat(40);
const FEEDBACK = /git-bridge: (mirrored to dst-host: \d+ refs?|mirroring in the background)/;

function assertNoCanaries(texts: string[]) {
  for (const t of texts) {
    assert.ok(!t.includes(CANARY_SOURCE) && !t.includes(CANARY_TARGET), "a git password leaked into output");
  }
}

async function canaryCheck(hf: HookFixture) {
  assertNoCanaries([...hf.outputs, ...hf.pushOutputs]);
  // WORK_DIR holds the spool, the hook log and the results; the repos hold the shim.
  for (const dir of [hf.workDir, hf.sourceDir]) {
    assert.deepEqual(await filesContaining(dir, CANARY_SOURCE), []);
    assert.deepEqual(await filesContaining(dir, CANARY_TARGET), []);
  }
}

describe("post-receive hook, push mode", () => {
  let hf: HookFixture;
  before(async () => {
    hf = await hookFixture();
  });
  after(async () => {
    await canaryCheck(hf);
    await hf.close();
  });

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
    assert.ok(r.ms < 3000, `push took ${r.ms} ms`);
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
    assert.ok(r.ms < 3000, `push took ${r.ms} ms with the target down`);
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
    assert.ok(r.ms < 3000, `push took ${r.ms} ms`);
    assert.match(r.stderr, /git-bridge: (queued: the mirror could not start, see the hook log \(will retry\)|mirroring in the background)/);
    await waitFor("the worker's error in the log", async () => /SRC_PASS/.test(await hf.hookLog()));
    await writeFile(hf.envFile, `SRC_USER=mirror\nSRC_PASS=${CANARY_SOURCE}\nDST_USER=mirror\nDST_PASS=${CANARY_TARGET}\n`, { mode: 0o600 });
    await hf.push("--delete", "after-outage"); // any push: the spooled main goes with it
    await mirrored(hf, "refs/heads/main", await hf.src.head());
    await waitFor("an empty spool", async () => (await hf.spool()).length === 0);
  });
});

describe("post-receive hook, existing hooks and layouts", () => {
  let hf: HookFixture;
  before(async () => {
    hf = await hookFixture();
  });
  after(async () => {
    await canaryCheck(hf);
    await hf.close();
  });

  const MARKER_HOOK = (marker: string) => `#!/bin/sh\n# the server's own post-receive\ncat >> '${marker}'\necho "own hook ran: $#" >&2\nexit 3\n`;

  test("an existing post-receive is chained: it still runs with the same stdin and exit status; uninstall restores it exactly", async () => {
    const marker = join(hf.dir, "marker.txt");
    const hook = join(hf.sourceDir, "hooks", "post-receive");
    const original = MARKER_HOOK(marker);
    await writeFile(hook, original);
    await chmod(hook, 0o750);
    const before = await stat(hook);

    const inst = await hf.install();
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /the existing post-receive was moved to .*post-receive\.git-bridge-chained/);
    assert.equal(await readFile(join(hf.sourceDir, "hooks", "post-receive.git-bridge-chained"), "utf8"), original);

    const sha = await hf.src.commit("one");
    const r = await hf.push("main");
    assert.match(r.stderr, /own hook ran: 0/);
    assert.match(r.stderr, FEEDBACK);
    await mirrored(hf, "refs/heads/main", sha);
    assert.equal(await readFile(marker, "utf8"), `${ZERO} ${sha} refs/heads/main\n`);

    // The chained hook's exit status is the shim's (git ignores it for post-receive, others may not).
    const direct = await runShim(hook, hf.sourceDir, `${sha} ${sha} refs/heads/main\n`);
    assert.equal(direct.code, 3);

    // Twice more: still one shim, the chain not doubled, the own hook run once per push.
    assert.equal((await hf.install()).code, 0);
    assert.equal((await hf.install()).code, 0);
    const files = (await readdir(join(hf.sourceDir, "hooks"))).filter((f) => f.startsWith("post-receive"));
    assert.deepEqual(files.sort(), ["post-receive", "post-receive.git-bridge-chained"]);
    assert.equal(await readFile(join(hf.sourceDir, "hooks", "post-receive.git-bridge-chained"), "utf8"), original);
    const sha2 = await hf.src.commit("two");
    await hf.push("main");
    await mirrored(hf, "refs/heads/main", sha2);
    assert.equal((await readFile(marker, "utf8")).split("\n").filter(Boolean).length, 3, "the own hook ran more than once per push");

    const un = await hf.cli("hooks", "uninstall", hf.sourceDir);
    assert.equal(un.code, 0, un.stderr);
    assert.match(un.stdout, /put back the hook it chained/);
    assert.equal(await readFile(hook, "utf8"), original);
    const after = await stat(hook);
    assert.equal(after.mode, before.mode);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.deepEqual((await readdir(join(hf.sourceDir, "hooks"))).filter((f) => f.startsWith("post-receive")), ["post-receive"]);
    assert.match((await hf.cli("hooks", "uninstall", hf.sourceDir)).stdout, /nothing to do/);

    await workersDone(hf, 3); // two pushes and the direct run
    const sha3 = await hf.src.commit("no hook now");
    await hf.push("main");
    await new Promise((res) => setTimeout(res, 500));
    assert.notEqual((await hf.targetRefs())["refs/heads/main"], sha3, "mirrored after uninstall");
  });

  test("Gitea layout: installed as its own file in hooks/post-receive.d/, Gitea's runner untouched", async () => {
    const dotD = join(hf.sourceDir, "hooks", "post-receive.d");
    await mkdir(dotD, { recursive: true });
    // Gitea's generated hooks/post-receive (modules/repository/hooks.go): run each post-receive.d entry.
    const runner = `#!/usr/bin/env bash
# AUTO GENERATED BY GITEA, DO NOT MODIFY
data=$(cat)
exitcodes=""
hookname=$(basename $0)
GIT_DIR=\${GIT_DIR:-$(dirname $0)/..}

for hook in \${GIT_DIR}/hooks/\${hookname}.d/*; do
  test -x "\${hook}" && test -f "\${hook}" || continue
  echo "\${data}" | "\${hook}"
  exitcodes="\${exitcodes} $?"
done

for i in \${exitcodes}; do
  [ \${i} -eq 0 ] || exit \${i}
done
`;
    const runnerPath = join(hf.sourceDir, "hooks", "post-receive");
    await writeFile(runnerPath, runner);
    await chmod(runnerPath, 0o755);
    const giteaOwn = join(dotD, "gitea");
    await writeFile(giteaOwn, `#!/bin/sh\ncat > '${join(hf.dir, "gitea-ran")}'\n`);
    await chmod(giteaOwn, 0o755);

    const inst = await hf.install();
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /post-receive\.d\/git-bridge \(gitea-dir layout\)/);
    assert.equal(await readFile(runnerPath, "utf8"), runner);
    assert.equal((await hf.install()).code, 0);
    assert.deepEqual((await readdir(dotD)).sort(), ["git-bridge", "gitea"]);

    const st = await hf.cli("hooks", "status", hf.sourceDir, "--json");
    assert.equal(st.code, 0);
    const status = JSON.parse(st.stdout);
    assert.equal(status.hooks.length, 1);
    assert.equal(status.hooks[0].layout, "gitea-dir");
    assert.equal(status.hooks[0].settings.repo, "app");

    const sha = await hf.src.commit("through gitea's runner");
    const r = await hf.push("main");
    assert.match(r.stderr, FEEDBACK);
    await mirrored(hf, "refs/heads/main", sha);
    assert.match(await readFile(join(hf.dir, "gitea-ran"), "utf8"), /refs\/heads\/main/);

    assert.equal((await hf.cli("hooks", "uninstall", hf.sourceDir)).code, 0);
    assert.deepEqual(await readdir(dotD), ["gitea"]);
    assert.equal(await readFile(runnerPath, "utf8"), runner);
    assert.equal((await hf.cli("hooks", "status", hf.sourceDir)).code, 3);
  });

  test("core.hooksPath in the repo's config is where the hook goes (and where git runs it from)", async () => {
    await git(hf.sourceDir, "config", "core.hooksPath", "server-hooks");
    const inst = await hf.install();
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /server-hooks\/post-receive \(hooks-path layout\)/);
    const sha = await hf.src.commit("via hooksPath");
    const r = await hf.push("main");
    assert.match(r.stderr, FEEDBACK);
    await mirrored(hf, "refs/heads/main", sha);
    assert.equal((await hf.cli("hooks", "uninstall", hf.sourceDir)).code, 0);
    await assert.rejects(stat(join(hf.sourceDir, "server-hooks", "post-receive")));
    await git(hf.sourceDir, "config", "--unset", "core.hooksPath");
  });
});

describe("push overhead", () => {
  let hf: HookFixture;
  before(async () => {
    hf = await hookFixture();
  });
  after(async () => {
    await canaryCheck(hf);
    await hf.close();
  });

  test("the hook adds well under the budget to `git push`", async (t) => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const runs = 5;
    const without: number[] = [];
    const withHook: number[] = [];
    await hf.src.commit("base");
    await hf.push("main");
    for (let i = 0; i < runs; i++) {
      await hf.src.commit(`plain ${i}`);
      without.push((await hf.push("main")).ms);
    }
    await hf.install();
    for (let i = 0; i < runs; i++) {
      const sha = await hf.src.commit(`hooked ${i}`);
      const r = await hf.push("main");
      withHook.push(r.ms);
      await mirrored(hf, "refs/heads/main", sha);
      await workersDone(hf, i + 1);
    }
    const fmt = (xs: number[]) => xs.map((x) => Math.round(x)).join(", ");
    t.diagnostic(`push without hook (ms): ${fmt(without)}; median ${Math.round(median(without))}`);
    t.diagnostic(`push with hook (ms):    ${fmt(withHook)}; median ${Math.round(median(withHook))}`);
    t.diagnostic(`overhead (median): ${Math.round(median(withHook) - median(without))} ms`);
    assert.ok(Math.max(...withHook) - median(without) < 2500, "the hook held a push up past its budget");
  });
});
