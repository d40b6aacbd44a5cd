// The CLI as a user runs it on Node 20 (`node scripts/bin.mjs …`): Node reads `--env-file` anywhere
// in argv and exits 9 before our code runs when the file is missing, so the variables file is
// `--secrets-file`, whose errors are git-bridge's own (exit 2, a message saying what to do).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const bin = new URL("../../scripts/bin.mjs", import.meta.url).pathname;
const run = (args: string[], cwd: string) =>
  new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? "", HOME: cwd } }, (err, _out, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }));
  });

test("hooks drain --secrets-file: a missing file is git-bridge's usage error, a present one fills in the config's variables", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gb-secrets-file-"));
  try {
    await writeFile(join(dir, "config.yaml"), [
      "providers:",
      "  dst: { type: git, base_url: \"${DST_URL}\" }",
      "  src: { type: git, base_url: https://git.example.com }",
      "repos:",
      "  - { name: app, source: src, target: dst, source_path: a, target_path: b }",
      `work_dir: ${join(dir, "work")}`,
      "",
    ].join("\n"));
    const missing = await run(["hooks", "drain", "--config", "config.yaml", "--secrets-file", join(dir, "nope.env")], dir);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /git-bridge: cannot read --secrets-file: .*nope\.env/);
    assert.doesNotMatch(missing.stderr, /node: .*not found/);

    await writeFile(join(dir, "hook.env"), "DST_URL=https://mirror.example.com\n", { mode: 0o600 });
    const ok = await run(["hooks", "drain", "--config", "config.yaml", "--secrets-file", "hook.env"], dir);
    assert.equal(ok.code, 0, ok.stderr); // nothing spooled: nothing to deliver
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
