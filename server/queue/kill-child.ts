// Child process for the kill -9 test: enqueues forever and prints "acked <job id> <delivery id>"
// for every request whose enqueue() resolved. The parent SIGKILLs it at a random moment.
import { createQueue } from "./queue.ts";

const dir = process.argv[2];
const q = await createQueue({
  dir,
  concurrency: 4,
  redact: (s) => s,
  run: async (req) => {
    await new Promise((r) => setTimeout(r, 2));
    return { repo: req.repo, direction: "source-to-target", duration_ms: 2, refs: [] };
  },
  compactAtBytes: 64 * 1024, // compactions happen during the run, so a kill may land in one
});
process.stdout.write("ready\n");
for (let i = 0;;) {
  const batch = Array.from({ length: 25 }, () => {
    const n = i++;
    const d = `dlv-${n}`;
    return q.enqueue({ repo: `repo-${n % 40}`, ref: `refs/heads/b${n % 3}`, source: "github", deliveryId: d })
      .then((r) => process.stdout.write(`acked ${r.job.id} ${d}\n`));
  });
  await Promise.all(batch);
}
