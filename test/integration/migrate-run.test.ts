// The whole migration against the emulators: every phase runs, checks pass, a second run changes
// nothing, and teardown in reverse order puts both Giteas and GitHub back exactly as they were.
// Every request the toolkit sent was validated against the Gitea swagger / GitHub OpenAPI.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { checkPhase, loadMigration, migrationStatus, PHASES, planPhase, runPhase, teardownPhase } from "../../scripts/migrate/api.ts";
import { ADMIN_PASSWORD, BACKUP_PASSWORD, GITHUB_TOKEN, type MigrationWorld, startMigrationWorld } from "../harness/migration-fixture.ts";

async function runAll(w: MigrationWorld, progress: string[] = []) {
  const ctx = await loadMigration(w.configPath, { env: w.env, cwd: w.dir, deps: w.deps });
  for (const p of PHASES) await runPhase(ctx, p, { onProgress: (m) => progress.push(m) });
  return ctx;
}

async function teardownAll(w: MigrationWorld) {
  const ctx = await loadMigration(w.configPath, { env: w.env, cwd: w.dir, deps: w.deps });
  for (const p of [...PHASES].reverse()) await teardownPhase(ctx, p);
  return ctx;
}

const mutating = (w: MigrationWorld) =>
  [w.github, w.primary, w.backup!].flatMap((e) => e.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

for (const newer of [true, false]) {
  test(`full migration on ${newer ? "a newer" : "the spec's (older)"} Gitea: run, re-run changes nothing, teardown restores everything`, async (t) => {
    const w = await startMigrationWorld({ newer });
    t.after(() => w.close());
    const before = w.snapshot();

    const progress: string[] = [];
    const ctx = await runAll(w, progress);
    assert.deepEqual(w.violations(), []);
    assert.ok(progress.includes("importing 2/2 repos"), progress.join("\n"));
    assert.ok(migrationStatus(ctx).phases.every((p) => p.status === "done"), JSON.stringify(migrationStatus(ctx)));

    // What the migration did, seen from the servers.
    const app = w.primary.world.repos["acme/app"];
    assert.equal(app.empty, false);
    assert.equal(app.push_mirrors.length, 1);
    assert.equal(app.push_mirrors[0].remote_address, `${w.github.url}/acme/app.git`);
    assert.deepEqual(app.branch_protections.main.status_check_contexts, ["semgrep", "trivy", "gitleaks"]);
    assert.equal(w.backup!.world.repos["admin/app"].mirror, true);
    const ghLib = w.github.world.repos["acme/lib"];
    assert.equal(ghLib.pages, null);
    assert.match(ghLib.description!, /^\[MIRROR\] Offsite backup — primary at .*\/acme\/lib$/);
    assert.equal(ghLib.has_wiki, false);
    assert.equal(w.github.world.repos["acme/app"].actions.enabled, false);

    // check: everything ok, or said plainly to be unverifiable on the older Gitea.
    for (const p of PHASES) {
      const items = await checkPhase(ctx, p);
      for (const i of items) assert.notEqual(i.status, "failed", `${p.id}: ${i.name}: ${i.detail}`);
    }
    const runnersCheck = (await checkPhase(ctx, PHASES[3])).find((i) => i.name === "runners online")!;
    assert.equal(runnersCheck.status, newer ? "ok" : "unverified");
    if (!newer) assert.match(runnersCheck.detail!, /no GET \/admin\/runners/);
    const actionsCheck = (await checkPhase(ctx, PHASES[1])).find((i) => i.name === "Actions enabled")!;
    assert.equal(actionsCheck.status, newer ? "ok" : "unverified");

    // Second run: plans say nothing to create or change, and no write reaches any server.
    const afterRun = w.snapshot();
    for (const e of [w.github, w.primary, w.backup!]) e.requests.length = 0;
    const ctx2 = await loadMigration(w.configPath, { env: w.env, cwd: w.dir, deps: w.deps });
    for (const p of PHASES) {
      for (const item of await planPhase(ctx2, p)) {
        assert.ok(["keep", "verify", "skip"].includes(item.action), `phase ${p.id} plans ${item.action} ${item.target}`);
      }
    }
    await runAll(w);
    assert.deepEqual(mutating(w), []);
    assert.deepEqual(w.snapshot(), afterRun);

    // Secrets: the created tokens live only in the 0600 secrets file.
    const secretsFile = join(w.dir, "work", "migration.secrets.json");
    assert.equal(statSync(secretsFile).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(secretsFile, "utf8"));
    assert.ok(stored["gitea.token"] && stored["backup.token"] && stored["runner.registration_token"]);
    const state = readFileSync(join(w.dir, "work", "migration.state.json"), "utf8");
    for (const secret of [...Object.values<string>(stored), GITHUB_TOKEN, ADMIN_PASSWORD, BACKUP_PASSWORD]) {
      assert.ok(!state.includes(secret), "a secret leaked into the state file");
      assert.ok(![...w.logs, ...progress].some((l) => l.includes(secret)), "a secret leaked into the logs");
    }

    // Teardown in reverse order: both Giteas and GitHub exactly as before.
    await teardownAll(w);
    assert.deepEqual(w.snapshot(), before);
    assert.deepEqual(w.violations(), []);
    assert.ok(!filesUnder(join(w.dir, "work")).some((f) => f.endsWith(".tmp")), "a temp file was left behind");
    assert.deepEqual(JSON.parse(readFileSync(secretsFile, "utf8")), {});
  });
}

test("without backup: phase 2 and the backup pull mirrors are skipped, and the output says so", async (t) => {
  const w = await startMigrationWorld({ backup: false });
  t.after(() => w.close());
  const progress: string[] = [];
  const ctx = await runAll(w, progress);
  assert.equal(migrationStatus(ctx).phases.find((p) => p.id === "2")!.status, "skipped");
  assert.ok(progress.some((m) => /phase 2 skipped: no backup/.test(m)));
  assert.ok(progress.some((m) => /no backup: configured, pull mirrors skipped/.test(m)));
  const plan = await planPhase(ctx, PHASES[4]);
  assert.ok(plan.some((i) => i.action === "skip" && /backup/.test(i.target)));
  assert.deepEqual(w.violations(), []);
});
