// Test-side git helpers. Async on purpose: a test that blocks its event loop (spawnSync) would
// also block the in-process git HTTP server it talks to.
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The environment of every test-side git command: fixed identities, no system or user config, no prompts. */
export const GIT_TEST_ENV = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.com",
  GIT_COMMITTER_NAME: "Test Committer",
  GIT_COMMITTER_EMAIL: "committer@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
};

export function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { cwd, env: { ...process.env, ...GIT_TEST_ENV }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`git ${args.join(" ")} failed: ${stderr || err.message}`));
        else resolve(stdout.trim());
      },
    );
  });
}

/** A working clone used to make commits and push them to a test server. */
export interface WorkTree {
  dir: string;
  commit(message: string, files?: Record<string, string>): Promise<string>;
  git(...args: string[]): Promise<string>;
  push(...args: string[]): Promise<string>;
  head(): Promise<string>;
}

export async function workTree(dir: string, remoteUrl: string): Promise<WorkTree> {
  await mkdir(dir, { recursive: true });
  await git(dir, "init", "--quiet", "--initial-branch=main");
  await git(dir, "remote", "add", "origin", remoteUrl);
  let n = 0;
  const wt: WorkTree = {
    dir,
    git: (...args) => git(dir, ...args),
    async commit(message, files) {
      const content = files ?? { [`file-${n++}.txt`]: `${message}\n${Date.now()} ${Math.random()}\n` };
      for (const [name, text] of Object.entries(content)) {
        await mkdir(join(dir, name, ".."), { recursive: true });
        await writeFile(join(dir, name), text);
      }
      await git(dir, "add", "-A");
      await git(dir, "commit", "--quiet", "--allow-empty", "-m", message);
      return git(dir, "rev-parse", "HEAD");
    },
    push: (...args) => git(dir, "push", "--quiet", "origin", ...args),
    head: () => git(dir, "rev-parse", "HEAD"),
  };
  return wt;
}

/** Refs of a bare repository as {ref: sha}, tags unpeeled. */
export async function refsOf(bareDir: string): Promise<Record<string, string>> {
  const out = await git(bareDir, "for-each-ref", "--format=%(objectname) %(refname)");
  const refs: Record<string, string> = {};
  for (const line of out.split("\n").filter(Boolean)) {
    const i = line.indexOf(" ");
    refs[line.slice(i + 1)] = line.slice(0, i);
  }
  return refs;
}
