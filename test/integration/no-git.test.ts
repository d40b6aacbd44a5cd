// git.engine: auto on a machine without a git binary: the CLI runs with a PATH that has node but no
// git, and the pure-JS engine does the sync. (The test's git servers run in this process, with git.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { bridgeFixture, CANARY_SOURCE, CANARY_TARGET } from "../harness/bridge-fixture.ts";
import { refsOf } from "../harness/git-cli.ts";

test("with no git on PATH, git.engine: auto syncs with isomorphic-git", async () => {
  const fx = await bridgeFixture({ engine: "auto" });
  try {
    await fx.src.commit("no git needed");
    await fx.src.git("tag", "-a", "v1", "-m", "v1");
    await fx.src.push("main", "--tags");
    const bin = join(fx.dir, "bin-without-git");
    await mkdir(bin);
    await symlink(process.execPath, join(bin, "node"));
    const cli = new URL("../../scripts/bin.mjs", import.meta.url).pathname;
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [cli, "sync", "app", "--json", "--config", fx.configPath], { env: { ...fx.env, PATH: bin } }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout).refs.map((r: { action: string }) => r.action), ["created", "created"]);
    assert.deepEqual(await refsOf(fx.target.repoDir(fx.targetRepo)), await refsOf(fx.source.repoDir(fx.sourceRepo)));
    for (const c of [CANARY_SOURCE, CANARY_TARGET]) assert.ok(!out.stdout.includes(c) && !out.stderr.includes(c));
  } finally {
    await fx.close();
  }
});
