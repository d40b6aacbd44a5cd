import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adoptRawSpool, parseRawSpool } from "./spool-raw.ts";
import { RAW_SPOOL_MAGIC } from "./shim.ts";
import { listSpool, spoolDir } from "./spool.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);
const head = `${RAW_SPOOL_MAGIC} ${JSON.stringify({ repo: "app", side: "source", mode: "push", config: "/etc/c.yaml" })}`;
const at = new Date("2025-01-01T00:00:00Z");

test("parseRawSpool: git's lines validated as the hook would, the header checked", () => {
  const r = parseRawSpool(`${head}\n${A} ${B} refs/heads/main\n${A} ${B} refs/heads/../x\n`, "id1", at);
  assert.ok("entry" in r);
  assert.deepEqual(r.entry, { version: 1, id: "id1", repo: "app", side: "source", mode: "push", config: "/etc/c.yaml", updates: [{ old: A, new: B, ref: "refs/heads/main" }], created_at: at.toISOString(), attempts: 0 });
  assert.equal(r.refused.length, 1);
  assert.deepEqual(parseRawSpool(`${head}\n${A} ${B} --upload-pack=x\n`, "id", at), { error: "no valid ref update in it (1 refused)" });
  assert.deepEqual(parseRawSpool(`${A} ${B} refs/heads/main\n`, "id", at), { error: "not a git-bridge shim spool file" });
  assert.deepEqual(parseRawSpool(`${RAW_SPOOL_MAGIC} {"repo":"app"}\n`, "id", at), { error: "its header lacks repo, side, mode or config" });
});

test("adoptRawSpool: each shim file becomes one entry once, even with two adopters; bad files go to failed/ with the reason", async () => {
  const work = await mkdtemp(join(tmpdir(), "gb-raw-"));
  try {
    const dir = spoolDir(work);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "20250101T000000000Z-sh1.refs"), `${head}\n${A} ${B} refs/heads/main\n`);
    await writeFile(join(dir, "20250101T000001000Z-sh2.refs"), `${head}\nnot a line\n`);
    await writeFile(join(dir, "20250101T000002000Z-sh3.refs.tmp"), `${head}\n`); // still being written
    const [one, two] = await Promise.all([adoptRawSpool(dir), adoptRawSpool(dir)]);
    assert.deepEqual([...one.adopted, ...two.adopted], ["20250101T000000000Z-sh1"]);
    assert.deepEqual([...one.failed, ...two.failed], ["20250101T000001000Z-sh2"]);
    const entries = await listSpool(work);
    assert.deepEqual(entries.map((e) => [e.id, e.updates[0].ref]), [["20250101T000000000Z-sh1", "refs/heads/main"]]);
    assert.match(await readFile(join(dir, "failed", "20250101T000001000Z-sh2.refs.reason"), "utf8"), /no valid ref update/);
    assert.deepEqual((await readdir(dir)).sort(), ["20250101T000000000Z-sh1.json", "20250101T000002000Z-sh3.refs.tmp", "failed"]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
