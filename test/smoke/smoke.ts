// The cross-runtime smoke subset: config load + one real sync, run as a plain script under Deno
// and Bun (npm test runs it after the Node suite). Prints "N passed, N failed" and exits non-zero
// on any failure.
import assert from "node:assert/strict";
import { bridgeFixture, CANARY_SOURCE, CANARY_TARGET } from "../harness/bridge-fixture.ts";
import { refsOf } from "../harness/git-cli.ts";

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const checks: Array<[string, () => Promise<void>]> = [];
const check = (name: string, fn: () => Promise<void>) => checks.push([name, fn]);

for (const engine of ["native", "isomorphic"] as const) {
  check(`${runtime}: config check + one real sync (${engine})`, async () => {
    const fx = await bridgeFixture({ engine });
    try {
      const ok = await fx.cli("config", "check");
      assert.equal(ok.code, 0, ok.stderr);
      await fx.src.commit("hello from smoke");
      await fx.src.git("tag", "-a", "v1", "-m", "v1");
      await fx.src.push("main", "--tags");
      const r = await fx.cli("sync", "app", "--json");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).refs.map((x: { action: string }) => x.action), ["created", "created"]);
      assert.deepEqual(await refsOf(fx.target.repoDir(fx.targetRepo)), await refsOf(fx.source.repoDir(fx.sourceRepo)));
      for (const out of fx.outputs) assert.ok(!out.includes(CANARY_SOURCE) && !out.includes(CANARY_TARGET));
      delete fx.env.SRC_PASS;
      const unset = await fx.cli("sync", "app");
      assert.equal(unset.code, 2);
      assert.match(unset.stderr, /SRC_PASS/);
    } finally {
      await fx.close();
    }
  });
}

let passed = 0;
let failed = 0;
for (const [name, fn] of checks) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (err) {
    failed++;
    console.log(`not ok - ${name}\n${(err as Error).stack ?? err}`);
  }
}
console.log(`smoke: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
