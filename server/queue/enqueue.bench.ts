// Enqueue latency and throughput against a real journal (write + fdatasync per group commit).
// Usage: node --import tsx server/queue/enqueue.bench.ts [N=2000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createQueue } from "./queue.ts";

const n = Number(process.argv[2] ?? 2000);
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (xs: number[]) =>
  `p50 ${pct(xs, 50).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms, max ${
    xs[xs.length - 1].toFixed(2)
  } ms`;

const dir = mkdtempSync(join(tmpdir(), "queue-bench-"));
try {
  // The engine never finishes: this measures intake only.
  const q = await createQueue({ dir, concurrency: 4, redact: (s) => s, run: () => new Promise(() => {}) });

  // 1. N requests at once (distinct repos and delivery ids: no coalescing shortcut).
  const lat: number[] = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => {
    const s = performance.now();
    return q.enqueue({ repo: `repo-${i}`, source: "github", deliveryId: `burst-${i}` }).then(() =>
      lat.push(performance.now() - s)
    );
  }));
  const wall = performance.now() - t0;
  lat.sort((a, b) => a - b);
  console.log(`burst of ${n}: ${(n / (wall / 1000)).toFixed(0)} req/s, ${fmt(lat)}`);

  // 2. A steady 500 requests/s for 4 s, as webhook traffic would arrive.
  const steady: number[] = [];
  const rate = 500, seconds = 4;
  const pending: Promise<unknown>[] = [];
  const start = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = performance.now();
    pending.push(
      q.enqueue({ repo: `steady-${i % 300}`, source: "github", deliveryId: `steady-${i}` }).then(() =>
        steady.push(performance.now() - s)
      ),
    );
  }
  await Promise.all(pending);
  steady.sort((a, b) => a - b);
  console.log(`steady ${rate} req/s for ${seconds} s: ${fmt(steady)}`);
  await q.close({ deadlineMs: 0 });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
