// Webhook intake under load, against a bare Hono route measured in the same run.
//
//   node --import tsx bench/webhook.bench.ts [--duration 10] [--connections 50] [--warmup 2] [--rounds 1] [--no-ladder] [--keep]
//   node --cpu-prof --import tsx bench/webhook.bench.ts --only bridge     (profile one side alone)
//   --engine-ms 200: the stub engine takes 200 ms per fetch, like a real sync (default 0: instant)
//
// Both servers live in this process and are served the way server/runtime/node.ts serves the
// bridge (@hono/node-server); the load comes from a second process (bench/webhook-load.ts, which
// runs autocannon) over loopback, one server at a time, with the same requests: distinct, correctly
// signed GitHub push deliveries for the configured repo.
//   bridge: POST /webhook/github → HMAC over the raw bytes → parse → match → journal (write +
//           fdatasync, group commit) → 200 {"status":"accepted","job_id"}
//   bare:   POST /webhook/github → 200 {"status":"ok"} (the body is not read: the floor)
// and, unless --no-ladder, two steps in between, to show where the bridge's time goes:
//   verify:        read the body, check the HMAC (the bridge's own verify) → 200
//   verify+parse:  then parse the payload and match it to the configured repo (the bridge's own
//                  parse and match) → 200; what is left between this and the bridge is the queue
//                  (journal write + fdatasync), the log line and the syncs the jobs run.
// Then the loss check: every 200 with a job_id must name a delivery id that reached the journal
// file with that job id (read from disk by bench/journal-tail.ts, not from the queue's memory).
// Set BENCH_DIR to put the work dir (and so the journal's fsyncs) on a particular disk.
import { fork } from "node:child_process";
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Hono } from "hono";
import { startBridge } from "../server/bridge.ts";
import { parseConfig } from "../server/config/index.ts";
import type { GitEngine } from "../server/mirror/git/types.ts";
import { nodeRuntime } from "../server/runtime/node.ts";
import { checkAcks, tailJournal } from "./journal-tail.ts";
import { addLadder } from "./webhook-ladder.ts";
import { type LoadOptions, type LoadResult, pushExample } from "./webhook-load.ts";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    warmup: { type: "string", default: "2" },
    rounds: { type: "string", default: "1" },
    keep: { type: "boolean", default: false },
    "no-ladder": { type: "boolean", default: false },
    // For profiling one side alone (node --cpu-prof --import tsx bench/webhook.bench.ts --only bridge).
    only: { type: "string" },
    "engine-ms": { type: "string", default: "0" },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const WARMUP = Number(args.warmup);
const ROUNDS = Number(args.rounds);
const SECRET = "bench-webhook-secret-7d41c9e0a2b8";
const PATH = "/webhook/github";

// The sync engine is not what this benchmark measures: every method answers at once with empty
// results (no refs, nothing to push), so each job the webhooks create runs and finishes right away
// and git work never becomes the bottleneck. The queue, journal, repo lock and notification code
// around it still run for real. --engine-ms N makes fetch/listRemote take N ms, as a real sync
// would: fewer, fuller syncs (more webhooks fold into each waiting job).
const ENGINE_MS = Number(args["engine-ms"]);
const engineDelay = () => (ENGINE_MS > 0 ? new Promise<void>((r) => setTimeout(r, ENGINE_MS)) : Promise.resolve());
const instantEngine: GitEngine = {
  name: "isomorphic",
  ensureCache: async () => {},
  listRemote: async () => (await engineDelay(), new Map()),
  fetch: engineDelay,
  readRefs: async () => new Map(),
  updateRefs: async () => {},
  ancestry: async (_cache, pairs) => pairs.map(() => undefined),
  commitAuthors: async () => new Map(),
  push: async (_cache, _remote, updates) => updates.map((u) => ({ ref: u.ref, ok: true })),
};

// Diagnostics only: times every fdatasync in this process (only the journal calls it) by wrapping
// FileHandle.prototype.datasync, to tell waiting on the disk apart from running out of CPU.
const fsyncMs: number[] = [];
{
  const probe = await open(process.execPath, "r");
  const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
  await probe.close();
  const datasync = proto.datasync;
  proto.datasync = function (this: unknown) {
    const t = performance.now();
    return datasync.call(this).finally(() => fsyncMs.push(performance.now() - t));
  };
}

const example = pushExample();
const dir = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), "gb-webhook-bench-"));
const config = parseConfig(
  `providers:
  gh: { type: github, credentials: { token: "\${GH_TOKEN}" } }
  mirror: { type: gitea, base_url: "https://gitea.example.com", credentials: { token: "\${GITEA_TOKEN}" } }
webhook: { github_secret: "\${GITHUB_WEBHOOK_SECRET}" }
reconcile: { enabled: false }
repos:
  - { name: hello-world, source: gh, target: mirror, source_path: "${example.repository.full_name}", target_path: mirror/hello-world }
`,
  join(dir, "config.yaml"),
  { GH_TOKEN: "ghp_bench0000000000", GITEA_TOKEN: "gitea-bench-000000", GITHUB_WEBHOOK_SECRET: SECRET, WORK_DIR: join(dir, "work") },
  { cwd: dir },
);

// The bridge logs one line per accepted webhook; they go to a file with synchronous writes, as
// process.stderr writes are when it is a file or a pipe on Linux (the logger batches the lines of
// one microtask run into one write).
const logPath = join(dir, "bridge.log");
const logFd = openSync(logPath, "a");
let logLines = 0;
const bridge = await startBridge({
  config,
  port: 0,
  hostname: "127.0.0.1",
  git: instantEngine,
  resolveHost: async () => ["140.82.112.3"], // a public address: the remote policy passes, no DNS
  fetch: async () => {
    throw new Error("the webhook benchmark makes no outbound requests");
  },
  write: (lines) => {
    // The bridge's logger batches: one call may carry several lines.
    for (let i = lines.indexOf("\n"); i !== -1; i = lines.indexOf("\n", i + 1)) logLines++;
    writeSync(logFd, lines);
  },
});
const journalPath = join(config.workDir, "queue", "journal.jsonl");
let syncs = 0;
bridge.queue.onFinished(() => void syncs++);
const tail = await tailJournal(journalPath);

const bareApp = new Hono();
bareApp.post(PATH, (c) => c.json({ status: "ok" }));
addLadder(bareApp, config, SECRET, PATH);
const bare = await nodeRuntime.serve(bareApp.fetch, { port: 0, hostname: "127.0.0.1" });

type Target = "bare" | "verify" | "verify+parse" | "bridge";
const LABEL: Record<Target, string> = {
  bare: "bare Hono route",
  verify: "read + verify HMAC",
  "verify+parse": "+ parse + match",
  bridge: "bridge /webhook/github",
};

interface Run {
  target: Target;
  load: LoadResult;
  /** This process's CPU during the run, ms (server side: both servers live here). */
  serverCpuMs: number;
  /** Jobs the queue finished during the run (each one a sync through the stub engine). */
  syncs: number;
  /** fdatasync calls during the run, sorted durations in ms. */
  fsyncs: number[];
  /** Share of wall time the event loop was busy. */
  elu: number;
}

let runNo = 0;
const ackFiles: string[] = [];

function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const child = fork(fileURLToPath(new URL("./webhook-load.ts", import.meta.url)), [JSON.stringify(opts)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let result: LoadResult | undefined;
    child.on("message", (m) => (result = m as LoadResult));
    child.on("error", reject);
    child.on("exit", (code) => (result ? resolve(result) : reject(new Error(`the load generator exited with ${code} and no result`))));
  });
}

async function measure(target: Target, seconds: number): Promise<Run> {
  const acksFile = target === "bridge" ? join(dir, `acks-${runNo++}.txt`) : undefined;
  if (acksFile) ackFiles.push(acksFile);
  const url = target === "bridge" ? bridge.url : `http://127.0.0.1:${bare.port}`;
  const path = target === "verify" ? `/verify${PATH}` : target === "verify+parse" ? `/parse${PATH}` : PATH;
  const syncs0 = syncs;
  const fsync0 = fsyncMs.length;
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const load = await runLoad({ url, path, connections: CONNECTIONS, duration: seconds, secret: SECRET, acksFile });
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const syncsDuring = syncs - syncs0;
  const fsyncs = fsyncMs.slice(fsync0).sort((a, b) => a - b);
  await queueIdle();
  return { target, load, serverCpuMs: (cpu.user + cpu.system) / 1000, elu, syncs: syncsDuring, fsyncs };
}

// Between runs, let the jobs the last run created finish, so one run's syncs do not land in the next.
async function queueIdle(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = bridge.queue.stats();
    if (s.queued === 0 && s.running === 0) return;
    if (Date.now() > deadline) throw new Error(`the queue did not drain: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ok2xx = (l: LoadResult) => Object.entries(l.statuses).filter(([s]) => s.startsWith("2")).reduce((a, [, n]) => a + n, 0);
const non2xx = (l: LoadResult) => Object.entries(l.statuses).filter(([s]) => !s.startsWith("2")).reduce((a, [, n]) => a + n, 0);
const rps = (l: LoadResult) => ok2xx(l) / l.seconds;
const pctOf = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

console.log(
  `webhook intake: ${DURATION}s per run, ${CONNECTIONS} connections, ${ROUNDS} round(s), warm-up ${WARMUP}s each, ` +
    `stub engine ${ENGINE_MS} ms per fetch; ` +
    `payload ${Buffer.byteLength(JSON.stringify(example))} B (@octokit/webhooks-examples push); node ${process.version}, ` +
    `${cpus().length} CPUs; journal ${journalPath}`,
);

const runs: Run[] = [];
const warmups: Run[] = [];
let failed = false;
try {
  const all: Target[] = args["no-ladder"] ? ["bare", "bridge"] : ["bare", "verify", "verify+parse", "bridge"];
  const sides = all.filter((s) => args.only === undefined || args.only === s);
  if (WARMUP > 0) for (const side of sides) warmups.push(await measure(side, WARMUP));
  // Rounds alternate the servers, so drift on the machine (other load, disk) hits them alike.
  for (let r = 0; r < ROUNDS; r++) for (const side of sides) runs.push(await measure(side, DURATION));
} finally {
  await bridge.stop(10_000);
  await bare.close();
  closeSync(logFd);
}

// ---- results
const rows: string[][] = [["server", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "2xx", "non-2xx", "errors", "server CPU µs/req", "loop busy", "loadgen CPU", "syncs", "fdatasync/s", "fdatasync p50/p99 ms"]];
for (const run of runs) {
  const l = run.load;
  rows.push([
    LABEL[run.target],
    rps(l).toFixed(0),
    l.latency.p50.toFixed(2),
    l.latency.p90.toFixed(2),
    l.latency.p99.toFixed(2),
    l.latency.max.toFixed(1),
    String(ok2xx(l)),
    String(non2xx(l)),
    String(l.errors + l.timeouts),
    ((run.serverCpuMs * 1000) / Math.max(1, l.sent)).toFixed(0),
    `${(run.elu * 100).toFixed(0)}%`,
    `${((l.cpuMs / (l.seconds * 1000)) * 100).toFixed(0)}%`,
    run.target === "bridge" ? String(run.syncs) : "-",
    run.target === "bridge" ? (run.fsyncs.length / l.seconds).toFixed(0) : "-",
    run.target === "bridge" ? `${pctOf(run.fsyncs, 50).toFixed(2)}/${pctOf(run.fsyncs, 99).toFixed(2)}` : "-",
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log("");
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));

const bareRuns = runs.filter((r) => r.target === "bare");
const bridgeRuns = runs.filter((r) => r.target === "bridge");
const ratiosTo = (target: Target) => runs.filter((r) => r.target === target).map((b, i) => rps(b.load) / rps(bareRuns[i].load));
console.log("");
if (bareRuns.length > 0) {
  for (const step of ["verify", "verify+parse"] as const) {
    const ratios = ratiosTo(step);
    if (ratios.length > 0) console.log(`${step}/bare throughput: ${ratios.map((x) => x.toFixed(2)).join(", ")}`);
  }
  if (bridgeRuns.length > 0) {
    const ratios = ratiosTo("bridge");
    const worstRatio = Math.min(...ratios);
    console.log(`bridge/bare throughput: ${ratios.map((x) => x.toFixed(2)).join(", ")}  (goal >= 0.50: ${worstRatio >= 0.5 ? "met" : "NOT met"})`);
  }
}
if (bridgeRuns.length > 0) {
  const worstP99 = Math.max(...bridgeRuns.map((r) => r.load.latency.p99));
  console.log(`bridge p99: ${worstP99.toFixed(2)} ms  (goal < 20 ms: ${worstP99 < 20 ? "met" : "NOT met"})`);
}

// ---- loss check: what the clients were told vs what is on disk (warm-up runs included)
const journal = await tail.stop();
const { acked, missing, wrongJob, unanswered } = checkAcks(ackFiles.map((f) => readFileSync(f, "utf8")), journal);
const allBridge = [...warmups, ...runs].filter((r) => r.target === "bridge").map((r) => r.load);
const acceptedTotal = acked;
const badAnswers = allBridge.reduce((a, l) => a + l.duplicates + l.other200, 0);
const bridgeNon2xx = allBridge.reduce((a, l) => a + non2xx(l) + l.errors + l.timeouts, 0);
console.log(
  `loss check (all bridge runs incl. warm-up): ${acceptedTotal} answered 200 with a job_id; ` +
    `${journal.deliveries.size} distinct delivery ids in the journal (${journal.files} file(s), ${(journal.bytes / 1048576).toFixed(1)} MiB); ` +
    `acknowledged but not journaled: ${missing}; journaled under another job: ${wrongJob}; ` +
    `journaled but never answered (in flight when a run stopped): ${unanswered}; ` +
    `200 without a new job (duplicate/ignored): ${badAnswers}; non-2xx + errors + timeouts: ${bridgeNon2xx}; ` +
    `log lines written: ${logLines}`,
);
if (missing > 0 || wrongJob > 0 || badAnswers > 0 || bridgeNon2xx > 0 || journal.damagedLines > 0) {
  console.log("LOSS CHECK FAILED");
  failed = true;
} else console.log(`nothing lost: ${acceptedTotal} of ${acceptedTotal} acknowledged deliveries are journaled`);

if (args.keep) console.log(`kept ${dir}`);
else await rm(dir, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
