// The hook exactly as a git host runs it: installed with the defaults (no --env-file, runtime
// auto), run by a real receive-pack under `git http-backend` whose environment holds only PATH,
// HOME and the config's variables, on Node. And the shim's own safety net: with the runtime
// broken or missing, the push is spooled by the shell script and delivered later by
// `git-bridge hooks drain` or the bridge server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CANARY_SOURCE, CANARY_TARGET } from "../harness/bridge-fixture.ts";
import { canaryCheckAndClose, hookFixture, type HookFixture, mirrored, waitFor, workersDone } from "../../hooks/test-kit.ts";
import { loadConfig } from "../../server/config/load-config.ts";
import { startBridge } from "../../server/bridge.ts";

/** The config's ${VARS}: what a git host's environment holds for the hook when there is no env file. */
const CONFIG_VARS = { SRC_USER: "mirror", SRC_PASS: CANARY_SOURCE, DST_USER: "mirror", DST_PASS: CANARY_TARGET };
const which = (name: string) =>
  new Promise<string>((resolve, reject) => execFile("sh", ["-c", 'command -v "$1"', "sh", name], (err, out) => (err ? reject(err) : resolve(out.trim()))));
const hookLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("remote: ")).map((l) => l.slice("remote: ".length).trim()).filter(Boolean);

describe("the hook as installed by default, under a real receive-pack with a minimal environment", () => {
  let hf: HookFixture;
  before(async () => {
    // bridgeFixture's git hosts run http-backend with PATH and HOME; the config's vars are added here.
    hf = await hookFixture({ sourceServerEnv: CONFIG_VARS });
  });
  after(() => canaryCheckAndClose(hf));

  test("no --env-file, runtime auto: the push is mirrored by node and the pusher sees one line", async () => {
    const inst = await hf.cli("hooks", "install", hf.sourceDir, "--repo", "app");
    assert.equal(inst.code, 0, inst.stderr);
    const shim = await readFile(join(hf.sourceDir, "hooks", "post-receive"), "utf8");
    assert.match(shim, /^GB_ENV_FILE=''$/m, "installed without an env file");

    const sha = await hf.src.commit("default install");
    const r = await hf.push("main");
    assert.deepEqual(hookLines(r.stderr).filter((l) => !l.startsWith("git-bridge: ")), [], `the runtime printed to the pusher: ${r.stderr}`);
    assert.match(r.stderr, /remote: git-bridge: (mirrored to dst-host: 1 ref|mirroring in the background)/);
    await mirrored(hf, "refs/heads/main", sha);
    await workersDone(hf, 1);
    assert.match(await hf.hookLog(), /"msg":"hook worker done","runtime":"node"/);
    assert.deepEqual(await hf.spool(), []);
  });
});

describe("the runtime cannot run: the shim spools the push itself", () => {
  let hf: HookFixture;
  let fakeBin: string;
  before(async () => {
    hf = await hookFixture({ sourceServerEnv: CONFIG_VARS });
    fakeBin = join(hf.dir, "broken-bin");
    await mkdir(fakeBin, { recursive: true });
    // Node 20 given `--env-file ''` after the script: its message, its exit status, nothing run.
    await writeFile(join(fakeBin, "node"), "#!/bin/sh\necho 'node: : not found' >&2\nexit 9\n");
    await chmod(join(fakeBin, "node"), 0o755);
  });
  after(() => canaryCheckAndClose(hf));

  const shimLine = /^git-bridge: queued: the mirror hook could not run: .*; the push is spooled for the next push, git-bridge hooks drain or the bridge server$/;

  test("a runtime that exits 9 before spooling: one line for the pusher, the refs in the spool, delivered by `hooks drain`", async () => {
    const inst = await hf.cli("hooks", "install", hf.sourceDir, "--repo", "app", "--runtime", "node");
    assert.equal(inst.code, 0, inst.stderr);
    hf.source.setEnv({ ...CONFIG_VARS, PATH: `${fakeBin}:${process.env.PATH}` });
    const sha = await hf.src.commit("broken runtime");
    const r = await hf.push("main");
    const lines = hookLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], shimLine);
    assert.match(lines[0], /exit 9/);
    assert.match(await readFile(join(hf.workDir, "hooks", "runtime-error.log"), "utf8"), /node: : not found/);

    const spooled = await hf.spool();
    assert.equal(spooled.length, 1);
    assert.deepEqual(spooled[0].updates.map((u) => [u.ref, u.new]), [["refs/heads/main", sha]]);
    assert.equal(spooled[0].repo, "app");
    assert.equal(spooled[0].config, hf.configPath);
    assert.ok(!("refs/heads/main" in await hf.targetRefs()), "mirrored although the runtime never ran");

    const drained = await hf.cli("hooks", "drain");
    assert.equal(drained.code, 0, drained.stderr);
    assert.equal((await hf.targetRefs())["refs/heads/main"], sha);
    assert.deepEqual(await hf.spool(), []);
  });

  test("no runtime at all: spooled by the shim, then delivered by the bridge server when it starts", async () => {
    // Forced to node, and node is nowhere: not on PATH (which holds git and the shell's tools
    // only), not in the checkout's node_modules/.bin.
    const bin = join(hf.dir, "no-runtime-bin");
    await mkdir(bin, { recursive: true });
    for (const tool of ["git", "cat", "date", "mkdir", "mv", "cp", "rm"]) await symlink(await which(tool), join(bin, tool));
    hf.source.setEnv({ ...CONFIG_VARS, PATH: bin, GIT_BRIDGE_RUNTIME: "node" });
    await hf.src.git("checkout", "--quiet", "-b", "no-runtime");
    const sha = await hf.src.commit("no runtime");
    const r = await hf.push("no-runtime");
    const lines = hookLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], shimLine);
    assert.match(lines[0], /found no node to run it with/);
    assert.deepEqual((await hf.spool()).map((e) => e.updates.map((u) => u.ref)), [["refs/heads/no-runtime"]]);

    const config = await loadConfig({ path: hf.configPath, env: { ...hf.env, WORK_DIR: hf.workDir } });
    const bridge = await startBridge({ config, port: 0, hostname: "127.0.0.1", write: () => {} });
    try {
      await mirrored(hf, "refs/heads/no-runtime", sha);
      await waitFor("an empty spool", async () => (await hf.spool()).length === 0);
    } finally {
      await bridge.stop(5000);
    }
  });
});
