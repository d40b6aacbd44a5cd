// How `git-bridge sync` fails, end to end through the CLI against two real git smart-HTTP servers:
// wrong credentials, an unset variable, an unreachable remote, no credential in any argv, the
// timeout, the per-repo lock, and the installed bin's exit codes. Each test puts back what it breaks
// (a credential, a variable, a delay, the config). Run once per engine after syncSuite
// (sync-native.test.ts, sync-isomorphic.test.ts).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { withRepoLock } from "../../server/mirror/lock.ts";
import { type BridgeFixture, bridgeFixture, CANARY_SOURCE, CANARY_TARGET, checkCanariesAndClose } from "../harness/bridge-fixture.ts";
import type { Engine } from "./sync-suite.ts";

export function syncFailureSuite(engine: Engine): void {
  describe(`sync failures (${engine} engine)`, () => {
    let fx: BridgeFixture;
    before(async () => {
      fx = await bridgeFixture({ engine });
      // Something to mirror, so that a sync reaches both hosts.
      await fx.src.commit("first");
      await fx.src.push("main");
    });
    after(() => checkCanariesAndClose(fx));

    test("wrong credentials: exit 1 with a clear message and no secret", async () => {
      fx.env.DST_PASS = "wrong-password-1234";
      const r = await fx.cli("sync", "app");
      fx.env.DST_PASS = CANARY_TARGET;
      assert.equal(r.code, 1);
      assert.match(r.stderr, /authentication failed/);
      assert.ok(!r.stderr.includes("wrong-password-1234"));
    });

    test("an unset variable: exit 2 naming it", async () => {
      delete fx.env.SRC_PASS;
      const r = await fx.cli("sync", "app");
      fx.env.SRC_PASS = CANARY_SOURCE;
      assert.equal(r.code, 2);
      assert.match(r.stderr, /SRC_PASS/);
      assert.match(r.stderr, /config\.yaml:\d+/);
    });

    test("an unreachable remote: exit 1", async () => {
      fx.source.setDown(true);
      const r = await fx.cli("sync", "app");
      fx.source.setDown(false);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /unreachable|failed/);
    });

    test("credentials never appear in any process's argv while git runs", async () => {
      fx.source.setDelay(800);
      fx.target.setDelay(800);
      const running = fx.cli("sync", "app");
      // Only the bridge's own git processes count (their environment carries the credential helper's
      // variables); the test's work trees put credentials in their remote URLs on purpose.
      let sawGit = false;
      const deadline = Date.now() + 1200;
      try {
        while (Date.now() < deadline) {
          for (const pid of await readdir("/proc").catch(() => [] as string[])) {
            if (!/^\d+$/.test(pid)) continue;
            const environ = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
            if (!environ.includes("GIT_BRIDGE_USERNAME=")) continue;
            const cmd = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
            if (cmd.includes("127.0.0.1")) sawGit = true;
            assert.ok(!cmd.includes(CANARY_SOURCE) && !cmd.includes(CANARY_TARGET), `canary in argv: ${cmd.replace(/\0/g, " ")}`);
          }
          await new Promise((r) => setTimeout(r, 40));
        }
      } finally {
        fx.source.setDelay(0);
        fx.target.setDelay(0);
        await running;
      }
      if (engine === "native") assert.ok(sawGit, "saw a git process talking to a remote");
    });

    test("a sync past mirror.timeout_seconds is killed and reported (exit 1)", async () => {
      await fx.writeConfig({ engine, timeoutSeconds: 1 });
      fx.source.setDelay(4000);
      const started = Date.now();
      const r = await fx.cli("sync", "app");
      fx.source.setDelay(0);
      await fx.writeConfig({ engine });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /timeout_seconds \(1s\)/);
      assert.ok(Date.now() - started < 3500, `took ${Date.now() - started} ms`);
    });

    test("one repo never syncs twice at once: a held lock makes the second sync wait, then fail", async () => {
      await fx.writeConfig({ engine, timeoutSeconds: 1 });
      const held = withRepoLock(fx.workDir, "app", 1000, () => new Promise((r) => setTimeout(r, 2500)));
      await new Promise((r) => setTimeout(r, 100));
      const r = await fx.cli("sync", "app");
      await held;
      await fx.writeConfig({ engine });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /another sync of app is still running/);
    });

    test("the installed bin runs as its own process with the same exit codes", async () => {
      const bin = new URL("../../scripts/bin.mjs", import.meta.url).pathname;
      const run = (args: string[]) =>
        new Promise<{ code: number; out: string }>((resolve) => {
          execFile(process.execPath, [bin, ...args, "--config", fx.configPath], { env: fx.env }, (err, stdout, stderr) => {
            resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, out: stdout + stderr });
          });
        });
      const ok = await run(["sync", "app", "--direction", "source-to-target"]);
      fx.outputs.push(ok.out);
      assert.ok(ok.code === 0 || ok.code === 3, ok.out);
      const bad = await run(["sync", "no-such-repo"]);
      fx.outputs.push(bad.out);
      assert.equal(bad.code, 2);
      assert.match(bad.out, /unknown repo "no-such-repo"/);
    });
  });
}
