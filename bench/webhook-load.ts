// The load generator of bench/webhook.bench.ts, run as a SECOND process (fork) so it does not
// share the server's event loop. autocannon drives `connections` keep-alive connections, each
// sending its next request as soon as the previous response arrives (a closed loop).
//
// Every request is a distinct GitHub push delivery, signed as GitHub signs it: the payload is the
// branch-push example of @octokit/webhooks-examples with its own `after` id (1024 variants, cycled),
// an `X-Hub-Signature-256` HMAC over exactly those bytes, and a fresh `X-GitHub-Delivery` UUID per
// request, so the bridge's duplicate detection never short-cuts a request.
//
// Input: one JSON argument (LoadOptions). Output: a LoadResult through process.send(); with
// `acksFile`, every "accepted" answer is written there as `<delivery id> <job id>` lines.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  /** Seconds. */
  duration: number;
  secret: string;
  acksFile?: string;
}

export interface LoadResult {
  /** Responses per status code. */
  statuses: Record<string, number>;
  /** 200 with {"status":"accepted","job_id":…}. */
  accepted: number;
  /** 200 with {"status":"duplicate"} (must stay 0: every delivery id is new). */
  duplicates: number;
  /** 200 whose body was neither (e.g. {"status":"ignored"}) — counted, not a job. */
  other200: number;
  errors: number;
  timeouts: number;
  /** Requests still in flight when the run stopped (sent, never answered). */
  inFlightAtStop: number;
  seconds: number;
  sent: number;
  /** Latency over every response, in ms at µs resolution (autocannon's own histogram has whole ms). */
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** CPU this process used, in ms (to see whether the load generator itself was the limit). */
  cpuMs: number;
}

interface AutocannonInstance {
  on(event: "response", fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: "done", fn: (result: AutocannonResult) => void): void;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  requests: { sent: number; total: number };
}
const POOL = 1024;
type Ctx = { delivery?: string };
type Autocannon = (opts: Record<string, unknown>, cb?: (err: Error | null, r: AutocannonResult) => void) => AutocannonInstance;

const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Array<{ name: string; examples: Array<Record<string, any>> }>;

export function pushExample(): Record<string, any> {
  const push = examples.find((e) => e.name === "push")!.examples.find((p) => p.ref.startsWith("refs/heads/") && !p.deleted);
  if (!push) throw new Error("@octokit/webhooks-examples has no branch push example");
  return push;
}

async function main(): Promise<void> {
  // Loaded here, not at import: the benchmark's server process imports pushExample() only.
  const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
  const opts = JSON.parse(process.argv[2]) as LoadOptions;
  const payload = pushExample();
  // The body is the example with a placeholder for `after`; each request gets its own commit id.
  const MARK = "@@AFTER@@";
  const [head, tail] = JSON.stringify({ ...payload, after: MARK }).split(MARK);
  const baseHeaders = { "content-type": "application/json", "user-agent": "GitHub-Hookshot/bench", "x-github-event": "push", "x-github-hook-id": "1" };

  // The signing is done before the clock starts, for a pool of distinct bodies that the requests
  // cycle through; only the delivery id is new per request (GitHub's signature covers the body,
  // not the headers). This keeps the load generator's own CPU per request small, so the bare
  // route's number is not capped by it.
  const pool = Array.from({ length: POOL }, (_, i) => {
    const after = createHash("sha1").update(`bench-${process.pid}-${i}`).digest("hex");
    const body = Buffer.from(head + after + tail);
    return { body, signature: `sha256=${createHmac("sha256", opts.secret).update(body).digest("hex")}` };
  });
  let seq = 0;
  const acks: string[] = [];
  const statuses: Record<string, number> = {};
  let accepted = 0, duplicates = 0, other200 = 0, answered = 0;
  const lat: number[] = [];

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const instance = autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.duration,
    pipelining: 1,
    timeout: 10,
    requests: [{
      method: "POST",
      path: opts.path,
      setupRequest(req: Record<string, unknown>, ctx: Ctx) {
        const { body, signature } = pool[seq++ % POOL];
        const delivery = randomUUID();
        ctx.delivery = delivery;
        return {
          ...req,
          body,
          headers: { ...baseHeaders, "x-github-delivery": delivery, "x-hub-signature-256": signature },
        };
      },
      onResponse(status: number, body: string, ctx: Ctx) {
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 200) return;
        let json: { status?: string; job_id?: string } = {};
        try {
          json = JSON.parse(body);
        } catch { /* counted as other200 */ }
        if (json.status === "accepted" && typeof json.job_id === "string") {
          accepted++;
          if (opts.acksFile) acks.push(`${ctx.delivery} ${json.job_id}`);
        } else if (json.status === "duplicate") duplicates++;
        else other200++;
      },
    }],
  });
  instance.on("response", (_client, _status, _bytes, ms) => {
    answered++;
    lat.push(ms);
  });
  const result = await new Promise<AutocannonResult>((resolve) => instance.on("done", resolve));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);

  if (opts.acksFile) writeFileSync(opts.acksFile, acks.join("\n") + (acks.length ? "\n" : ""));
  lat.sort((a, b) => a - b);
  const out: LoadResult = {
    statuses,
    accepted,
    duplicates,
    other200,
    errors: result.errors,
    timeouts: result.timeouts,
    inFlightAtStop: Math.max(0, result.requests.sent - answered),
    seconds: result.duration || seconds,
    sent: result.requests.sent,
    latency: {
      mean: lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length),
      p50: pct(lat, 50),
      p90: pct(lat, 90),
      p99: pct(lat, 99),
      max: lat[lat.length - 1] ?? NaN,
    },
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  process.send!(out, () => process.exit(0));
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
