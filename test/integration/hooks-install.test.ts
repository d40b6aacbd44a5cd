// `git-bridge hooks install|uninstall|status`: what it refuses, where it installs (GitLab's
// custom_hooks, a hook on the target side), and paths a shell would misread.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git } from "../harness/git-cli.ts";
import { hookFixture, type HookFixture, mirrored, runShim, waitFor, workersDone, ZERO } from "../../hooks/test-kit.ts";

const listing = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).sort();

describe("hooks install refuses hostile or wrong input", () => {
  let hf: HookFixture;
  before(async () => {
    hf = await hookFixture();
  });
  after(() => hf.close());

  test("not a directory, not a repository, not bare", async () => {
    const plain = join(hf.dir, "plain");
    await mkdir(plain);
    const cases: Array<[string, RegExp]> = [
      [join(hf.dir, "does-not-exist"), /is not a directory/],
      [plain, /is not a git repository/],
      [hf.src.dir, /is not a git repository/],
      [join(hf.src.dir, ".git"), /is not a bare repository/],
    ];
    for (const [dir, message] of cases) {
      const r = await hf.cli("hooks", "install", dir, "--repo", "app");
      assert.equal(r.code, 2, `${dir}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.deepEqual(await listing(join(hf.src.dir, ".git", "hooks")).then((l) => l.filter((f) => f.startsWith("post-receive"))), []);
  });

  test("unknown repo, bad mode or side, a side the repo's direction forbids, notify without a secret", async () => {
    const before = await listing(join(hf.sourceDir, "hooks"));
    const cases: Array<[string[], RegExp]> = [
      [["--repo", "nope"], /unknown repo "nope"; known repos: app/],
      [[], /needs --repo/],
      [["--repo", "app", "--mode", "pull"], /--mode must be push or notify/],
      [["--repo", "app", "--side", "middle"], /--side must be source or target/],
      [["--repo", "app", "--side", "target"], /mirrors source-to-target only/],
      [["--repo", "app", "--mode", "notify"], /notify mode needs hooks\.secret and hooks\.server_url/],
      [["--repo", "app", "--runtime", "python"], /--runtime must be/],
    ];
    for (const [args, message] of cases) {
      const r = await hf.cli("hooks", "install", hf.sourceDir, ...args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.deepEqual(await listing(join(hf.sourceDir, "hooks")), before);
  });

  test("a hooks directory shared through a symlink, and a conflicting chained hook", async () => {
    const other = await mkdtemp(join(hf.dir, "shared-hooks-"));
    const bare = join(hf.dir, "linked.git");
    await git(hf.dir, "init", "--bare", "--quiet", bare);
    await rm(join(bare, "hooks"), { recursive: true });
    await symlink(other, join(bare, "hooks"));
    let r = await hf.cli("hooks", "install", bare, "--repo", "app");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is a symlink to .*core\.hooksPath/);
    assert.deepEqual(await listing(other), []);

    const foreign = "#!/bin/sh\necho mine\n";
    await writeFile(join(hf.sourceDir, "hooks", "post-receive"), foreign, { mode: 0o755 });
    await writeFile(join(hf.sourceDir, "hooks", "post-receive.git-bridge-chained"), "#!/bin/sh\n", { mode: 0o755 });
    r = await hf.install();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /both .* exist/);
    // uninstall never touches a post-receive that is not ours
    assert.match((await hf.cli("hooks", "uninstall", hf.sourceDir)).stdout, /nothing to do/);
    assert.equal(await readFile(join(hf.sourceDir, "hooks", "post-receive"), "utf8"), foreign);
    await rm(join(hf.sourceDir, "hooks", "post-receive"));
    await rm(join(hf.sourceDir, "hooks", "post-receive.git-bridge-chained"));
  });
});

describe("paths with spaces and quotes", () => {
  let hf: HookFixture;
  const saved = process.env.TMPDIR;
  before(async () => {
    // Every baked-in path (config, WORK_DIR, env file, the repo the shim sits in) gets them.
    const hostile = join(tmpdir(), `gb hook's "dir" $HOME \`x\``);
    await mkdir(hostile, { recursive: true });
    process.env.TMPDIR = hostile;
    try {
      hf = await hookFixture();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
  after(async () => {
    await hf.close();
    await rm(join(hf.dir, ".."), { recursive: true, force: true });
  });

  test("are quoted in the shim, which still mirrors a real push", async () => {
    assert.match(hf.workDir, / hook's "dir" \$HOME `x`/);
    const inst = await hf.install();
    assert.equal(inst.code, 0, inst.stderr);
    const shim = join(hf.sourceDir, "hooks", "post-receive");
    const text = await readFile(shim, "utf8");
    assert.ok(text.includes(`GB_WORK_DIR='${hf.workDir.replaceAll("'", `'\\''`)}'`), "WORK_DIR is not single-quoted as expected");
    await new Promise<void>((resolve, reject) => execFile("sh", ["-n", shim], (err) => (err ? reject(err) : resolve())));

    const sha = await hf.src.commit("quoted");
    const r = await hf.push("main");
    assert.match(r.stderr, /git-bridge: (mirrored to dst-host: 1 ref|mirroring in the background)/);
    await mirrored(hf, "refs/heads/main", sha);
    const st = await hf.cli("hooks", "status", hf.sourceDir, "--json");
    assert.equal(JSON.parse(st.stdout).hooks[0].settings.workDir, hf.workDir);
  });
});

describe("GitLab custom_hooks and hooks on the target side", () => {
  let hf: HookFixture;
  before(async () => {
    hf = await hookFixture({ direction: "bidirectional" });
  });
  after(() => hf.close());

  test("custom_hooks/post-receive (existing one chained), then custom_hooks/post-receive.d/", async () => {
    const custom = join(hf.sourceDir, "custom_hooks");
    await mkdir(custom);
    const own = `#!/bin/sh\ncat > '${join(hf.dir, "gitlab-own")}'\n`;
    await writeFile(join(custom, "post-receive"), own, { mode: 0o755 });
    let inst = await hf.install();
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /custom_hooks\/post-receive \(gitlab layout\)/);
    assert.deepEqual(await listing(custom), ["post-receive", "post-receive.git-bridge-chained"]);

    // Gitaly runs custom hooks itself (git does not): run the shim the way it does.
    const sha = await hf.src.commit("gitlab");
    await hf.src.git("push", "--quiet", "origin", `${sha}:refs/heads/spare`); // hooks/ has none: nothing runs
    await git(hf.sourceDir, "update-ref", "refs/heads/gitlab", sha);
    const r = await runShim(join(custom, "post-receive"), hf.sourceDir, `${ZERO} ${sha} refs/heads/gitlab\n`);
    assert.equal(r.code, 0, r.stderr);
    await mirrored(hf, "refs/heads/gitlab", sha);
    assert.equal(await readFile(join(hf.dir, "gitlab-own"), "utf8"), `${ZERO} ${sha} refs/heads/gitlab\n`);
    assert.ok(!("refs/heads/spare" in await hf.targetRefs()));
    await workersDone(hf, 1);

    // A post-receive.d appears: the next install moves there and puts the chained hook back.
    await mkdir(join(custom, "post-receive.d"));
    inst = await hf.install();
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /custom_hooks\/post-receive\.d\/git-bridge \(gitlab-dir layout\)/);
    assert.match(inst.stdout, /removed an older install at .*custom_hooks\/post-receive\n/);
    assert.equal(await readFile(join(custom, "post-receive"), "utf8"), own);
    assert.deepEqual(await listing(custom), ["post-receive", "post-receive.d"]);
    assert.deepEqual(await listing(join(custom, "post-receive.d")), ["git-bridge"]);
    assert.equal((await stat(join(custom, "post-receive.d", "git-bridge"))).mode & 0o111, 0o111);

    const text = await hf.cli("hooks", "status", hf.sourceDir);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /post-receive\.d\/git-bridge \(gitlab-dir layout\): repo app, push mode, source side, runtime auto/);
    assert.equal((await hf.cli("hooks", "uninstall", hf.sourceDir)).code, 0);
    assert.deepEqual(await listing(join(custom, "post-receive.d")), []);
    assert.equal((await hf.cli("hooks", "status", hf.sourceDir)).code, 3);
  });

  test("--side target on the target host mirrors target-to-source", async () => {
    const inst = await hf.cli("hooks", "install", hf.targetDir, "--repo", "app", "--side", "target", "--env-file", hf.envFile);
    assert.equal(inst.code, 0, inst.stderr);
    assert.match(inst.stdout, /target side are mirrored to src-host/);
    await hf.dst.git("fetch", "--quiet", "origin");
    await hf.dst.git("checkout", "--quiet", "-b", "made-on-target");
    const sha = await hf.dst.commit("on the target");
    await hf.dst.git("push", "--quiet", "origin", "made-on-target");
    await waitFor("the target's branch on the source", async () => (await hf.sourceRefs())["refs/heads/made-on-target"] === sha);
  });
});
