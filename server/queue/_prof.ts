import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createQueue } from "./queue.ts";
import { open } from "node:fs/promises";
const dir = mkdtempSync(join(tmpdir(), "qp-"));
const q = await createQueue({ dir, concurrency: 4, redact: (s) => s, run: () => new Promise(() => {}) });
for (let round = 0; round < 3; round++) {
const t0 = performance.now();
const ps = Array.from({ length: 2000 }, (_, i) => q.enqueue({ repo: `repo-${round}-${i}`, source: "github", deliveryId: `b-${round}-${i}` }));
const t1 = performance.now();
await Promise.all(ps);
const t2 = performance.now();
console.log(`sync part ${(t1 - t0).toFixed(1)} ms, total ${(t2 - t0).toFixed(1)} ms`);
}
const h = await open(join(dir, "x"), "a");
const buf = Buffer.alloc(600_000, 120);
for (let i = 0; i < 3; i++) { const s = performance.now(); await h.write(buf, 0, buf.length); const m = performance.now(); await h.datasync(); console.log(`write 600KB ${(m - s).toFixed(1)} ms, datasync ${(performance.now() - m).toFixed(1)} ms`); }
const small = Buffer.alloc(300, 120);
for (let i = 0; i < 3; i++) { const s = performance.now(); await h.write(small, 0, small.length); await h.datasync(); console.log(`small write+datasync ${(performance.now() - s).toFixed(2)} ms`); }
process.exit(0);
