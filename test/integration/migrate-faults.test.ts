// Faults the migration must ride out: GitHub rate limits (429 + Retry-After, 403 +
// X-RateLimit-Reset), a Gitea 5xx, a slow async import (and one past its deadline), lists longer
// than one page, and requests the spec does not allow (the emulators must catch those).
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadMigration, PHASES, runPhase, teardownPhase } from "../../scripts/migrate/api.ts";
import type { MigrationContext } from "../../scripts/migrate/context.ts";
import { type MigrationWorld, startMigrationWorld } from "../harness/migration-fixture.ts";

const open = (w: MigrationWorld) => loadMigration(w.configPath, { env: w.env, cwd: w.dir, deps: w.deps });
async function runUpTo(ctx: MigrationContext, last: string, progress: string[] = []) {
  for (const p of PHASES) {
    await runPhase(ctx, p, { onProgress: (m) => progress.push(m) });
    if (p.id === last) return;
  }
}

test("GitHub 429 with Retry-After and 403 with X-RateLimit-Reset: wait as told, then resume", async (t) => {
  const w = await startMigrationWorld();
  t.after(() => w.close());
  const resetAt = Math.floor(w.deps.now() / 1000) + 120;
  w.github.faults.push(
    { method: "GET", path: /^\/repos\/acme\/app$/, times: 1, respond: () => ({ status: 429, headers: { "retry-after": "30" }, body: { message: "secondary rate limit" } }) },
    {
      method: "GET",
      path: /^\/repos\/acme\/lib$/,
      times: 1,
      respond: () => ({ status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetAt) }, body: { message: "API rate limit exceeded" } }),
    },
  );
  const ctx = await open(w);
  await runPhase(ctx, PHASES[0]);
  assert.ok(w.sleeps.includes(30_000), `slept ${w.sleeps}`);
  // The second wait ends just past the reset time (the clock had already moved 30s).
  assert.ok(w.deps.now() >= resetAt * 1000 && w.deps.now() <= resetAt * 1000 + 2000, `slept ${w.sleeps}`);
  assert.ok(w.logs.some((l) => /GitHub rate limit \(429\): waiting 30s/.test(l)));
  assert.ok(w.logs.some((l) => /GitHub rate limit \(403\): waiting 91s/.test(l)));
  assert.equal(w.github.faults.every((f) => f.times === 0), true);
  assert.deepEqual(w.violations(), []);
});

test("a 403 without rate-limit headers is a permission error, not a wait", async (t) => {
  const w = await startMigrationWorld();
  t.after(() => w.close());
  w.github.faults.push({ method: "GET", path: /^\/user$/, times: 1, respond: () => ({ status: 403, body: { message: "Resource not accessible by integration" } }) });
  const ctx = await open(w);
  await assert.rejects(runPhase(ctx, PHASES[0]), /GitHub token: GitHub answered 403 to GET \/user: Resource not accessible/);
  assert.deepEqual(w.sleeps, []);
});

test("Gitea 5xx on a read: retried with backoff; a 5xx on a create fails the phase and a re-run resumes", async (t) => {
  const w = await startMigrationWorld();
  t.after(() => w.close());
  const ctx = await open(w);
  await runUpTo(ctx, "3");
  w.primary.faults.push({ method: "GET", path: /^\/repos\/acme\/app$/, times: 2, respond: () => ({ status: 502, body: { message: "bad gateway" } }) });
  w.primary.faults.push({ method: "POST", path: /^\/repos\/migrate$/, times: 1, respond: () => ({ status: 500, body: { message: "internal error" } }) });
  await assert.rejects(runPhase(ctx, PHASES[4]), /Gitea answered 500 to POST \/api\/v1\/repos\/migrate: internal error\. Re-run the same command/);
  assert.deepEqual(w.sleeps.slice(0, 2), [1000, 2000]);
  assert.equal(ctx.store.state.phases["4"].status, "failed");
  assert.equal(await runPhase(ctx, PHASES[4]), "done");
  assert.equal(Object.keys(w.primary.world.repos).length, 2);
  assert.deepEqual(w.violations(), []);
});

test("slow async import: polled with backoff until not empty; past the deadline the phase fails and resumes later", async (t) => {
  const w = await startMigrationWorld({ migrationPolls: 6, extraYaml: "import_timeout_seconds: 20" });
  t.after(() => w.close());
  const ctx = await open(w);
  await runUpTo(ctx, "3");
  await assert.rejects(runPhase(ctx, PHASES[4]), /acme\/app is still empty after 20s; the import may still be running: run phase 4 again later/);
  assert.deepEqual(w.sleeps.slice(-4), [1000, 2000, 4000, 8000]);
  w.primary.options.migrationPolls = 2; // the server catches up
  w.backup!.options.migrationPolls = 2;
  const progress: string[] = [];
  assert.equal(await runPhase(ctx, PHASES[4], { onProgress: (m) => progress.push(m) }), "done");
  assert.equal(w.primary.world.repos["acme/app"].empty, false);
  assert.equal(ctx.store.state.phases["4"].adopted.length, 0);
  assert.deepEqual(progress.slice(0, 2), ["importing 1/2 repos", "importing 2/2 repos"]);
});

test("lists past one page: an existing push mirror at item 57 is adopted, not duplicated, and teardown leaves it", async (t) => {
  const w = await startMigrationWorld();
  t.after(() => w.close());
  const ctx = await open(w);
  await runUpTo(ctx, "5");
  const app = w.primary.world.repos["acme/app"];
  for (let i = 0; i < 60; i++) {
    const address = i === 56 ? `${w.github.url}/acme/app.git` : `https://elsewhere.example.test/m${i}.git`;
    app.push_mirrors.push({ remote_name: `existing_${i}`, remote_address: address, interval: "8h0m0s", sync_on_commit: false });
  }
  const before = JSON.stringify(app.push_mirrors);
  await runPhase(ctx, PHASES[6]);
  assert.equal(app.push_mirrors.length, 60, "no duplicate mirror created for acme/app");
  assert.deepEqual(ctx.store.state.phases["6"].adopted.map((r) => r.id), ["acme/app"]);
  const pages = w.primary.requests.filter((r) => r.path === "/api/v1/repos/acme/app/push_mirrors" && r.method === "GET");
  assert.ok(pages.length >= 2, "followed the Link header to page 2");
  for (const p of [...PHASES].reverse().slice(0, 4)) await teardownPhase(ctx, p);
  assert.equal(JSON.stringify(app.push_mirrors), before);
  assert.equal(w.primary.world.repos["acme/lib"].push_mirrors.length, 0);
  assert.deepEqual(w.violations(), []);
});

test("an admin with more than 50 tokens: the toolkit's own token is found on a later page", async (t) => {
  const w = await startMigrationWorld();
  t.after(() => w.close());
  for (let i = 0; i < 70; i++) w.primary.world.tokens.push({ id: 1000 + i, owner: "admin", name: `other-${i}`, sha1: `sha-${i}`.padEnd(40, "0"), scopes: [] });
  const ctx = await open(w);
  await runUpTo(ctx, "1");
  assert.equal(w.primary.world.tokens.length, 71);
  await teardownPhase(ctx, PHASES[9]);
  for (const p of [...PHASES].reverse()) await teardownPhase(ctx, p);
  assert.equal(w.primary.world.tokens.length, 70);
  assert.ok(!w.primary.world.tokens.some((t) => t.name === "git-bridge-migration"));
});

test("the emulators refuse what the spec does not allow (so the validation in the other tests is real)", async (t) => {
  const w = await startMigrationWorld();
  t.after(() => w.close());
  const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal((await post(`${w.primary.url}/api/v1/repos/migrate`, { repo_name: "x", mirror_intervall: "8h" })).status, 400);
  assert.equal((await fetch(`${w.primary.url}/api/v1/admin/runners/extra`)).status, 400);
  assert.equal((await fetch(`${w.primary.url}/api/v1/repos/acme/app/commits?limit=one`)).status, 400);
  assert.equal((await fetch(`${w.github.url}/repos/acme/app/actions/permissions`, { method: "PUT", headers: { "content-type": "application/json" }, body: '{"enabled":"no"}' })).status, 400);
  assert.deepEqual(w.violations().map((v) => v.replace(/:.*/, "")).sort(), [
    "POST /repos/migrate",
    "POST /repos/migrate",
    "GET /admin/runners/extra",
    "GET /repos/acme/app/commits",
    "PUT /repos/acme/app/actions/permissions",
  ].sort());
  assert.ok(w.violations().some((v) => /required property 'clone_addr'/.test(v)));
  assert.ok(w.violations().some((v) => /body property mirror_intervall is not in the spec/.test(v)));
});
