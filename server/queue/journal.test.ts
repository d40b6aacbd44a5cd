// The journal file on its own (the queue's use of it is in durability.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { openJournal, readJournal } from "./journal.ts";
import { tempDir } from "./test-kit.ts";

test("records overwrite zero-filled space: appends keep the file's size, a full file grows by a chunk", async (t) => {
  const path = join(tempDir(t), "journal.jsonl");
  const journal = await openJournal({ path, snapshot: () => [], preallocateBytes: 1024 });
  assert.equal(statSync(path).size, 1024, "an empty journal is one zero-filled chunk");
  const line = (n: number) => ({ k: "add", j: "job-1", d: "x".repeat(60), n });
  const lineBytes = (n: number) => JSON.stringify(line(n)).length + 1; // 97-98 bytes: 10 lines fit in 1024, 11 do not
  for (let n = 0; n < 10; n++) await journal.append(line(n));
  assert.equal(statSync(path).size, 1024, "written in place");
  await journal.append(line(10)); // no longer fits: the file grows by the records and a chunk
  const records = Array.from({ length: 11 }, (_, n) => lineBytes(n)).reduce((a, b) => a + b);
  assert.equal(journal.size(), records);
  assert.equal(statSync(path).size, records + 1024);
  const onDisk = readFileSync(path);
  assert.equal(onDisk.subarray(journal.size()).every((b) => b === 0), true, "zeros after the records");
  assert.deepEqual((await readJournal(path)).map((r) => (r as { n: number }).n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  await journal.close();
});
