// `git-bridge migrate …` as a user runs it: plans, confirmation prompts (run asks y/N, teardown
// asks for the org name), --json, status, printed-once secrets, and a run killed mid-phase
// (SIGKILL in the middle of phase 4) that resumes on the next run and tears down cleanly.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "../../scripts/cli.ts";
import type { CliIo } from "../../scripts/commands/io.ts";
import { ADMIN_PASSWORD, BACKUP_PASSWORD, GITHUB_TOKEN, type MigrationWorld, startMigrationWorld } from "../harness/migration-fixture.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function cli(w: MigrationWorld, answers: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: { ...w.env },
    cwd: w.dir,
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    secrets: [],
    readLine: async (prompt) => {
      err.push(prompt);
      return answers.shift();
    },
  };
  const run = async (...args: string[]) => {
    out.length = 0;
    err.length = 0;
    const code = await runCli(["migrate", ...args, "--config", w.configPath], io);
    return { code, out: out.join(""), err: err.join("") };
  };
  return { run, io };
}

test("CLI: plan, run asks first, teardown wants the org name typed exactly, status and --json", async (t) => {
  const w = await startMigrationWorld();
  t.after(() => w.close());
  const before = w.snapshot();
  const answers: string[] = [];
  const { run } = cli(w, answers);

  const plan = await run("plan", "all");
  assert.equal(plan.code, 0, plan.err);
  assert.match(plan.out, /phase 1: primary admin token and organisation\n  create   primary Gitea admin token/);
  assert.match(plan.out, /phase 4: .*\n  \(plan not available yet: no primary Gitea token yet: run phase 1 first/);

  answers.push("n");
  const refused = await run("run", "preflight");
  assert.equal(refused.code, 1);
  assert.match(refused.out, /not run/);
  assert.equal((await run("status", "--json")).out.includes('"status":"pending"'), true);

  const all = await run("run", "all", "--yes");
  assert.equal(all.code, 0, all.err);
  assert.match(all.out, /… importing 1\/2 repos\n[\s\S]*… importing 2\/2 repos/);
  assert.match(all.out, /phase 9: done/);

  const check = await run("check", "all", "--json");
  assert.equal(check.code, 0, check.out);
  const checks = JSON.parse(check.out).phases.flatMap((p: { checks: { status: string }[] }) => p.checks);
  assert.ok(checks.every((c: { status: string }) => c.status === "ok"));

  const status = await run("status");
  assert.match(status.out, /4\s+done\s+repos imported from GitHub, pull mirrors on the backup  \[4 created\]/);

  answers.push("ACME"); // wrong: case matters
  const wrong = await run("teardown", "all");
  assert.equal(wrong.code, 1);
  assert.match(wrong.out, /delete\s+repo acme\/app/);
  assert.match(wrong.err, /Type the organisation name \(acme\) to confirm/);
  assert.match(wrong.out, /did not match: nothing torn down/);
  assert.notDeepEqual(w.snapshot(), before);

  const early = await run("teardown", "4", "--yes");
  assert.equal(early.code, 2);
  assert.match(early.err, /phase 6 \(push mirrors to GitHub, sync, GitHub Actions off\) still holds changes: tear it down first/);

  answers.push("acme");
  const down = await run("teardown", "all");
  assert.equal(down.code, 0, down.err);
  assert.deepEqual(w.snapshot(), before);
  assert.deepEqual(w.violations(), []);

  for (const r of [plan, all, check, status, wrong, down]) {
    for (const s of [GITHUB_TOKEN, ADMIN_PASSWORD, BACKUP_PASSWORD]) assert.ok(!r.out.includes(s) && !r.err.includes(s), "secret in CLI output");
  }
});

test("CLI: secrets mode print shows each created token once and stores it nowhere", async (t) => {
  const w = await startMigrationWorld({ secretsMode: "print" });
  t.after(() => w.close());
  const { run } = cli(w);
  assert.equal((await run("run", "preflight", "--yes")).code, 0);
  const one = await run("run", "1", "--yes");
  assert.equal(one.code, 0, one.err);
  const token = w.primary.world.tokens[0].sha1;
  assert.equal(one.out.split(token).length - 1, 1, "the token is printed exactly once");
  assert.match(one.out, /shown once, stored nowhere: set gitea\.token to it/);
  const state = readFileSync(join(w.dir, "work", "migration.state.json"), "utf8");
  assert.ok(!state.includes(token));

  // A later run without the token configured says how to pass it, and creates no second token.
  const two = await run("run", "1", "--yes");
  assert.equal(two.code, 1);
  assert.match(two.err, /was printed once and is not configured: set gitea\.token/);
  assert.equal(w.primary.world.tokens.length, 1);
  assert.ok(!two.err.includes(token));
});

test("CLI: a run killed in the middle of phase 4 resumes, adopts nothing twice, and tears down cleanly", async (t) => {
  const w = await startMigrationWorld({ repos: ["app", "lib", "web"] });
  t.after(() => w.close());
  const before = w.snapshot();
  const { run } = cli(w);
  for (const p of ["preflight", "1", "2", "3"]) assert.equal((await run("run", p, "--yes")).code, 0);

  // The child is killed right after the primary Gitea accepted the second import, before the
  // answer reaches it: the repo exists, and only the intent to create it is in the state file.
  const child = spawn(process.execPath, [join(ROOT, "scripts/bin.mjs"), "migrate", "run", "4", "--yes", "--config", w.configPath], {
    cwd: w.dir,
    env: { ...process.env, ...w.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let imports = 0;
  w.primary.afterHandle = (req) => {
    if (req.method === "POST" && req.path === "/repos/migrate" && ++imports === 2) child.kill("SIGKILL");
  };
  const exit = await new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, sig) => resolve(sig)));
  w.primary.afterHandle = undefined;
  assert.equal(exit, "SIGKILL");
  const state = JSON.parse(readFileSync(join(w.dir, "work", "migration.state.json"), "utf8"));
  assert.equal(state.phases["4"].status, "running");
  assert.deepEqual(state.phases["4"].created.map((r: { id: string; state: string }) => `${r.id}:${r.state}`), ["acme/app:created", "acme/lib:intended"]);

  const resumed = await run("run", "4", "--yes");
  assert.equal(resumed.code, 0, resumed.err);
  assert.equal(Object.keys(w.primary.world.repos).length, 3);
  const after = JSON.parse(readFileSync(join(w.dir, "work", "migration.state.json"), "utf8"));
  assert.equal(after.phases["4"].adopted.length, 0, "the repo the killed run created is ours, not adopted");
  assert.equal(after.phases["4"].created.length, 6);

  assert.equal((await run("teardown", "all", "--yes")).code, 0);
  assert.deepEqual(w.snapshot(), before);
  assert.deepEqual(w.violations(), []);
});
