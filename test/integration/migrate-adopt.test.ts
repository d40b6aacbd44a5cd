// What was there before the migration is adopted, never duplicated, and survives teardown; what
// cannot be adopted safely (a token we cannot read, a missing GitHub repo) stops with a remedy.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkPhase, loadMigration, PHASES, planPhase, runPhase, teardownPhase } from "../../scripts/migrate/api.ts";
import { type MigrationWorld, startMigrationWorld } from "../harness/migration-fixture.ts";

const open = (w: MigrationWorld, env = w.env) => loadMigration(w.configPath, { env, cwd: w.dir, deps: w.deps });

test("an existing org, repo, branch protection and marked GitHub repo are adopted and left in place by teardown", async (t) => {
  const w = await startMigrationWorld();
  t.after(() => w.close());
  // Someone started by hand: the org exists, acme/app was imported, lib's main is protected
  // (with one check of its own), and GitHub's app already says it is a mirror.
  w.primary.world.orgs.acme = { id: 7, name: "acme", full_name: "ACME", visibility: "private" };
  w.primary.world.repos["acme/app"] = {
    id: 8, owner: "acme", name: "app", empty: false, mirror: false, default_branch: "main", description: "by hand",
    files: { ...w.github.world.repos["acme/app"].source.files }, commits: 3, push_mirrors: [], branch_protections: {}, pending_polls: 0,
  };
  w.github.world.repos["acme/app"].description = "[MIRROR] set by hand";
  const before = w.snapshot();

  const ctx = await open(w);
  await runPhase(ctx, PHASES[0]);
  for (const p of PHASES.slice(1, 4)) await runPhase(ctx, p);
  const plan4 = await planPhase(ctx, PHASES[4]);
  assert.deepEqual(plan4.slice(0, 2).map((i) => `${i.action} ${i.target}`), ["adopt import acme/app → acme/app", "create import acme/lib → acme/lib"]);
  for (const p of PHASES.slice(4, 7)) await runPhase(ctx, p);
  const lib = w.primary.world.repos["acme/lib"];
  lib.branch_protections.main = { branch_name: "main", rule_name: "main", enable_push: false, enable_status_check: true, status_check_contexts: ["ci/build"], required_approvals: 2 };
  const libBefore = JSON.parse(JSON.stringify(lib.branch_protections.main));
  for (const p of PHASES.slice(7)) await runPhase(ctx, p);

  assert.equal(Object.keys(w.primary.world.orgs).length, 1);
  assert.deepEqual(ctx.store.state.phases["1"].adopted.map((r) => r.id), ["acme"]);
  assert.deepEqual(ctx.store.state.phases["7"].adopted.map((r) => r.id), ["acme/lib:main"]);
  assert.deepEqual(lib.branch_protections.main.status_check_contexts, ["ci/build", "semgrep", "trivy", "gitleaks"]);
  assert.equal(w.github.world.repos["acme/app"].description, "[MIRROR] set by hand");
  for (const i of await checkPhase(ctx, PHASES[9])) assert.equal(i.status, "ok", `${i.name}: ${i.detail}`);

  // Phase 9 puts lib's own rule back to its own checks; phase 7 adopted that rule, so it stays.
  for (const p of [...PHASES].reverse().slice(0, 3)) await teardownPhase(ctx, p);
  assert.deepEqual(w.primary.world.repos["acme/lib"].branch_protections.main, libBefore);
  // The rest: only what the toolkit created goes (acme/lib, imported by it); the adopted org and
  // acme/app stay, and GitHub's hand-marked app keeps its description.
  for (const p of [...PHASES].reverse().slice(3)) await teardownPhase(ctx, p);
  assert.deepEqual(w.snapshot(), before);
  assert.deepEqual(w.violations(), []);
});

test("a token of the toolkit's name that it did not create is never touched: phase 1 stops with a remedy", async (t) => {
  const w = await startMigrationWorld();
  t.after(() => w.close());
  w.primary.world.tokens.push({ id: 5, owner: "admin", name: "git-bridge-migration", sha1: "f".repeat(40), scopes: [] });
  const ctx = await open(w);
  await runPhase(ctx, PHASES[0]);
  await assert.rejects(runPhase(ctx, PHASES[1]), /already has a token named "git-bridge-migration" that this toolkit did not create; put its value in gitea\.token, or delete it/);
  assert.equal(w.primary.world.tokens.length, 1);
  assert.equal(ctx.store.state.phases["1"].status, "failed");
  // Given as gitea.token, it is used as is, and teardown leaves it.
  const ctx2 = await open(w, { ...w.env, GITEA_ADMIN_TOKEN: "f".repeat(40) });
  assert.equal(await runPhase(ctx2, PHASES[1]), "done");
  await teardownPhase(ctx2, PHASES[1]);
  assert.equal(w.primary.world.tokens.length, 1);
  assert.equal(Object.keys(w.primary.world.orgs).length, 0);
});

test("preflight names every missing GitHub repo and a wrong admin password, and changes nothing", async (t) => {
  const w = await startMigrationWorld({ repos: ["app", "lib"] });
  t.after(() => w.close());
  delete w.github.world.repos["acme/lib"];
  const before = w.snapshot();
  const ctx = await open(w, { ...w.env, GITEA_ADMIN_PASSWORD: "wrong-password" });
  await assert.rejects(runPhase(ctx, PHASES[0]), (err: Error) => {
    assert.match(err.message, /GitHub repos: not found \(or not visible to this token\): acme\/lib/);
    assert.match(err.message, /Gitea credentials: Gitea answered 401 to GET \/api\/v1\/user/);
    assert.ok(!err.message.includes("wrong-password"));
    return true;
  });
  assert.deepEqual(w.snapshot(), before);
  await assert.rejects(runPhase(ctx, PHASES[1]), /phase 1 needs phase preflight .* done first; it is failed/);
});

test("an empty repo of the same name that the toolkit did not create stops phase 4 with a remedy, and is kept", async (t) => {
  const w = await startMigrationWorld();
  t.after(() => w.close());
  const ctx = await open(w);
  for (const p of PHASES.slice(0, 4)) await runPhase(ctx, p);
  w.primary.world.repos["acme/lib"] = {
    id: 9, owner: "acme", name: "lib", empty: true, mirror: false, default_branch: "main", description: "",
    files: {}, commits: 0, push_mirrors: [], branch_protections: {}, pending_polls: 0,
  };
  await assert.rejects(runPhase(ctx, PHASES[4]), /acme\/lib already exists on Gitea, empty, and this toolkit did not create it: delete it \(or push to it\)/);
  for (const p of [...PHASES].reverse().slice(0, 8)) await teardownPhase(ctx, p);
  assert.deepEqual(Object.keys(w.primary.world.repos), ["acme/lib"], "the repo it did not create is left alone");
  // The org the toolkit created still holds that repo: teardown says what to do instead of a bare 422.
  await assert.rejects(teardownPhase(ctx, PHASES[1]), /organisation acme still owns repositories this toolkit did not create; move or delete them in Gitea, then tear phase 1 down again/);
  delete w.primary.world.repos["acme/lib"];
  await teardownPhase(ctx, PHASES[1]);
  assert.deepEqual(w.primary.world.orgs, {});
  assert.deepEqual(w.primary.world.tokens, []);
});
