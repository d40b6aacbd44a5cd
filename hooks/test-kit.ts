// Test helpers for the hook suites (test/integration/hooks-*.test.ts): a bridge fixture with an
// env file for the hook, pushes that report their stderr and duration, direct shim runs, polling,
// and the canary check a suite ends with.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type BridgeFixture,
  bridgeFixture,
  CANARY_SOURCE,
  CANARY_TARGET,
  filesContaining,
  type FixtureOptions,
} from "../test/harness/bridge-fixture.ts";
import { GIT_TEST_ENV, refsOf } from "../test/harness/git-cli.ts";
import { listSpool, type SpoolEntry } from "./spool.ts";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface HookFixture extends BridgeFixture {
  envFile: string;
  sourceDir: string;
  targetDir: string;
  /** git-bridge hooks install <source bare repo> --repo app --env-file … plus `args`. */
  install(...args: string[]): Promise<Run>;
  /** `git push origin …` from the source work tree, with stderr (the hook's lines) and timing. */
  push(...args: string[]): Promise<Run>;
  targetRefs(): Promise<Record<string, string>>;
  sourceRefs(): Promise<Record<string, string>>;
  spool(): Promise<SpoolEntry[]>;
  hookLog(): Promise<string>;
  /** Everything pushers saw, for canary checks. */
  pushOutputs: string[];
}

/** The object name a hook's input line gives for the side that is missing: old of a created ref, new of a deleted one. */
export const ZERO = "0".repeat(40);

/** The one line a push-mode hook prints for the pusher after a mirror (or a hand-off to the worker). */
export const FEEDBACK = /git-bridge: (mirrored to dst-host: \d+ refs?|mirroring in the background)/;

export function runGitTimed(cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const t = performance.now();
    execFile("git", args, { cwd, env: { ...process.env, ...GIT_TEST_ENV } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: performance.now() - t });
    });
  });
}

/** Runs an installed shim as git would: cwd = the repo, ref lines on stdin. */
export function runShim(shim: string, cwd: string, stdin: string, env: Record<string, string | undefined> = process.env): Promise<Run> {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(shim, [], { cwd, env: { ...env, GIT_DIR: "." } as Record<string, string>, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - t }));
    child.stdin.end(stdin);
  });
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function hookFixture(opts: FixtureOptions = {}): Promise<HookFixture> {
  const fx = await bridgeFixture(opts);
  const envFile = join(fx.dir, "hook.env");
  // What the git server's environment lacks: the config's ${VARS}. Mode 600: it holds passwords.
  await writeFile(envFile, `SRC_USER=mirror\nSRC_PASS=${CANARY_SOURCE}\nDST_USER=mirror\nDST_PASS="${CANARY_TARGET}"\n`, { mode: 0o600 });
  const pushOutputs: string[] = [];
  const hf: HookFixture = Object.assign(fx, {
    envFile,
    sourceDir: fx.source.repoDir(fx.sourceRepo),
    targetDir: fx.target.repoDir(fx.targetRepo),
    pushOutputs,
    async install(...args: string[]) {
      const t = performance.now();
      const r = await fx.cli("hooks", "install", hf.sourceDir, "--repo", "app", "--secrets-file", envFile, ...args);
      return { ...r, ms: performance.now() - t };
    },
    async push(...args: string[]) {
      const r = await runGitTimed(fx.src.dir, ["push", "origin", ...args]);
      pushOutputs.push(r.stdout, r.stderr);
      if (r.code !== 0) throw new Error(`git push ${args.join(" ")} failed: ${r.stderr}`);
      return r;
    },
    targetRefs: () => refsOf(hf.targetDir),
    sourceRefs: () => refsOf(hf.sourceDir),
    spool: () => listSpool(fx.workDir),
    hookLog: () => readFile(join(fx.workDir, "hooks", "hook.log"), "utf8").catch(() => ""),
  });
  return hf;
}

/** Polls until the target has `ref` at `sha` (undefined: until the ref is gone). */
export function mirrored(hf: HookFixture, ref: string, sha: string | undefined, timeoutMs = 15_000): Promise<true> {
  return waitFor(`${ref} at ${sha ?? "(deleted)"} on the target`, async () => (await hf.targetRefs())[ref] === sha || undefined, timeoutMs) as Promise<true>;
}

/** Waits for the hook workers that were started to finish (nothing claimed, `n` worker-done lines). */
export async function workersDone(hf: HookFixture, n: number, timeoutMs = 20_000): Promise<void> {
  await waitFor(`${n} hook worker runs`, async () => {
    const log = await hf.hookLog();
    const done = log.split("\n").filter((l) => l.includes('"hook worker done"') || l.includes('"hook worker failed"')).length;
    const claimed = (await readdir(join(hf.workDir, "spool")).catch(() => [] as string[])).some((f) => f.includes(".claim-"));
    return done >= n && !claimed;
  }, timeoutMs);
}

/**
 * Ends a suite: no git password in anything the CLI or the pushers saw, nor in a file under
 * WORK_DIR (the spool, the hook log, the results) or the source repo (the shim); then closes.
 */
export async function canaryCheckAndClose(hf: HookFixture): Promise<void> {
  for (const t of [...hf.outputs, ...hf.pushOutputs]) {
    assert.ok(!t.includes(CANARY_SOURCE) && !t.includes(CANARY_TARGET), "a git password leaked into output");
  }
  for (const dir of [hf.workDir, hf.sourceDir]) {
    assert.deepEqual(await filesContaining(dir, CANARY_SOURCE), []);
    assert.deepEqual(await filesContaining(dir, CANARY_TARGET), []);
  }
  await hf.close();
}
