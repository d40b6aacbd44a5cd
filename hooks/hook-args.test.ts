import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARG_PREFIX, type HookArgs, hookArgv, parseHookArgs, workerArgv } from "./hook-args.ts";

const args: HookArgs = { config: "--env-file", repo: "app", mode: "push", side: "source", workDir: "/w d/--env-file=x", envFile: "" };

test("every hook argument is one --gb- word, and parses back exactly", () => {
  for (const a of [args, { ...args, envFile: "/etc/git-bridge/hook.env" }]) {
    const argv = workerArgv(a, "20250101T000000000Z-ab12");
    assert.ok(argv.every((w) => w.startsWith(ARG_PREFIX)), argv.join(" "));
    assert.deepEqual(parseHookArgs(argv), { args: a, worker: true, id: "20250101T000000000Z-ab12" });
    assert.deepEqual(parseHookArgs(hookArgv(a)), { args: a, worker: false, id: undefined });
  }
  assert.ok(!hookArgv(args).some((w) => w.startsWith("--gb-env-file")), "no env file, no argument");
  assert.throws(() => parseHookArgs(["--config", "c"]), /Unknown option/);
  assert.throws(() => parseHookArgs(hookArgv({ ...args, mode: "pull" as never })), /--gb-mode/);
  assert.throws(() => parseHookArgs([...hookArgv(args), "--gb-id=../x"]), /malformed/);
});

test("node runs a script given the hook's arguments, with and without an env file (Node 20 reads --env-file after the script)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gb-args-"));
  try {
    const script = join(dir, "echo.mjs");
    await writeFile(script, "process.stdout.write(JSON.stringify(process.argv.slice(2)));\n");
    for (const a of [args, { ...args, envFile: join(dir, "missing.env") }]) {
      const argv = hookArgv(a);
      const out = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [script, ...argv], (err, stdout, stderr) => (err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(stdout)))
      );
      assert.deepEqual(JSON.parse(out), argv);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
