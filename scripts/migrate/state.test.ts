import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { StateStore } from "./state.ts";

test("a process killed while writing the state file leaves the old or the new file whole", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "gb-state-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The writer saves a ~200 KB state over and over; it is killed at once after its first save.
  const writer = `
    import { StateStore } from ${JSON.stringify(fileURLToPath(new URL("./state.ts", import.meta.url)))};
    const s = await StateStore.open(${JSON.stringify(dir)}, "acme");
    for (let i = 0; ; i++) {
      s.phase("4").notes = Array.from({ length: 4000 }, (_, j) => "note " + i + " " + j + " ".repeat(40));
      await s.save();
      if (i === 0) process.stdout.write("saved\\n");
    }`;
  for (let round = 0; round < 3; round++) {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", writer], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    await new Promise((r) => setTimeout(r, 50 + round * 40));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    const state = JSON.parse(readFileSync(join(dir, "migration.state.json"), "utf8"));
    assert.equal(state.phases["4"].notes.length, 4000);
  }
  // A leftover temp file from a kill is never read as state.
  assert.ok(readdirSync(dir).includes("migration.state.json"));
});

test("a state file of another org or not JSON is refused with what to do", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "gb-state-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s = await StateStore.open(dir, "acme");
  s.phase("1").status = "done";
  await s.save();
  await assert.rejects(StateStore.open(dir, "other"), /belongs to the migration of org "acme", not "other": use another WORK_DIR/);
  writeFileSync(join(dir, "migration.state.json"), '{"version":1,"org":"ac');
  await assert.rejects(StateStore.open(dir, "acme"), /is not valid JSON; restore it from a backup or move it away/);
});
