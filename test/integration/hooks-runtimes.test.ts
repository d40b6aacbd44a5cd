// The same shim under Node (bundle), Deno and Bun: each forced in turn, by the installed default
// (a real push through the git server) and by GIT_BRIDGE_RUNTIME / PATH in the hook's environment.
// Deno and Bun are optional in a developer's checkout (`npm run runtimes`); a test that needs one
// that is missing is skipped and says so (CI has all three: .ci/run).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { CANARY_SOURCE, CANARY_TARGET, filesContaining } from "../harness/bridge-fixture.ts";
import { git } from "../harness/git-cli.ts";
import { hookFixture, type HookFixture, mirrored, runShim, waitFor, ZERO } from "../../hooks/test-kit.ts";

const lastRuntime = (log: string) => [...log.matchAll(/"msg":"hook worker done","runtime":"(\w+)"/g)].at(-1)?.[1];

function which(name: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("sh", ["-c", 'command -v "$1"', "sh", name], (err, out) => (err ? reject(err) : resolve(out.trim())))
  );
}
const installed = async (name: string) => (await which(name).catch(() => "")) !== "";
const missing = async (names: string[]) => {
  const absent: string[] = [];
  for (const n of names) if (!(await installed(n))) absent.push(n);
  return absent.length ? `${absent.join(" and ")} not installed (npm run runtimes)` : false;
};

describe("the hook under each runtime", () => {
  let hf: HookFixture;
  let workers = 0;
  before(async () => {
    hf = await hookFixture();
  });
  after(async () => {
    for (const t of [...hf.outputs, ...hf.pushOutputs]) assert.ok(!t.includes(CANARY_SOURCE) && !t.includes(CANARY_TARGET));
    assert.deepEqual(await filesContaining(hf.workDir, CANARY_SOURCE), []);
    assert.deepEqual(await filesContaining(hf.workDir, CANARY_TARGET), []);
    await hf.close();
  });

  const workerRan = (runtime: string) =>
    waitFor(`a ${runtime} worker`, async () => {
      const log = await hf.hookLog();
      const n = log.split("\n").filter((l) => l.includes('"hook worker done"')).length;
      return n > workers && lastRuntime(log) === runtime && (workers = n);
    }, 30_000);

  for (const runtime of ["node", "deno", "bun"]) {
    test(`installed with --runtime ${runtime}: a real push is mirrored by a ${runtime} worker`, async (t) => {
      const absent = await missing([runtime]);
      if (absent) return t.skip(absent);
      const inst = await hf.install("--runtime", runtime);
      assert.equal(inst.code, 0, inst.stderr);
      const sha = await hf.src.commit(`under ${runtime}`);
      const r = await hf.push("main");
      // Exactly the hook's one line: nothing from the runtime itself (a flag it misread, a warning).
      const remote = r.stderr.split("\n").filter((l) => l.startsWith("remote: ") && l.trim() !== "remote:");
      assert.equal(remote.length, 1, r.stderr);
      assert.match(remote[0], /git-bridge: (mirrored to dst-host: 1 ref|mirroring in the background)/);
      await mirrored(hf, "refs/heads/main", sha, 30_000);
      await workerRan(runtime);
    });
  }

  test("GIT_BRIDGE_RUNTIME in the hook's environment overrides the installed default", async (t) => {
    const absent = await missing(["deno", "bun"]);
    if (absent) return t.skip(absent);
    assert.equal((await hf.install("--runtime", "node")).code, 0);
    const sha = await hf.src.commit("direct");
    await hf.src.git("push", "--quiet", "origin", `${sha}:refs/heads/spare`);
    await workerRan("node");
    for (const runtime of ["bun", "deno"]) {
      // A ref that no hook has seen yet: written straight into the bare repo.
      await git(hf.sourceDir, "update-ref", `refs/heads/direct-${runtime}`, sha);
      const r = await runShim(join(hf.sourceDir, "hooks", "post-receive"), hf.sourceDir, `${ZERO} ${sha} refs/heads/direct-${runtime}\n`, {
        ...process.env,
        GIT_BRIDGE_RUNTIME: runtime,
      });
      assert.equal(r.code, 0, r.stderr);
      await mirrored(hf, `refs/heads/direct-${runtime}`, sha, 30_000);
      await workerRan(runtime);
    }
  });

  test("auto with no node on PATH: the shim takes deno", async (t) => {
    const absent = await missing(["deno"]);
    if (absent) return t.skip(absent);
    assert.equal((await hf.install()).code, 0); // --runtime auto
    const bin = join(hf.dir, "only-git-bin");
    await mkdir(bin, { recursive: true });
    for (const tool of ["git", "cat", "mkdir", "rm", "date", "mv", "cp", "deno"]) await symlink(await which(tool), join(bin, tool));
    const sha = await hf.src.commit("no node here");
    await hf.src.git("push", "--quiet", "origin", `${sha}:refs/heads/spare-auto`);
    await workerRan("node"); // the git server's PATH has node
    await git(hf.sourceDir, "update-ref", "refs/heads/no-node", sha);
    const env = { PATH: bin, HOME: hf.source.root };
    const r = await runShim(join(hf.sourceDir, "hooks", "post-receive"), hf.sourceDir, `${ZERO} ${sha} refs/heads/no-node\n`, env);
    assert.equal(r.code, 0, r.stderr);
    await mirrored(hf, "refs/heads/no-node", sha, 30_000);
    await workerRan("deno");

    // Forced to a runtime that is not there: one line, exit 0, and the push waits in the spool.
    await git(hf.sourceDir, "update-ref", "refs/heads/no-runtime", sha);
    const none = await runShim(join(hf.sourceDir, "hooks", "post-receive"), hf.sourceDir, `${ZERO} ${sha} refs/heads/no-runtime\n`, { ...env, GIT_BRIDGE_RUNTIME: "node" });
    assert.equal(none.code, 0);
    assert.match(none.stderr, /^git-bridge: queued: the mirror hook could not run: found no node to run it with; the push is spooled for the next push, git-bridge hooks drain or the bridge server\n$/);
    assert.deepEqual((await hf.spool()).map((e) => e.updates.map((u) => u.ref)), [["refs/heads/no-runtime"]]);
  });
});
