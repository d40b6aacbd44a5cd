// The CodeCommit consumer of one `consumers[]` entry: long-polls its SQS queue (20 s wait, 120 s
// visibility, as documented), turns each message into a SyncRequest (source "sqs") through the
// bridge's queue, and deletes the message once the job succeeded (sqs-message.ts). When SQS cannot
// be reached it backs off, says so in /ready's service detail, and carries on when SQS is back:
// messages stay in SQS meanwhile, so nothing is lost.
import type { ConsumerConfig } from "../config/types.ts";
import type { BridgeDeps } from "../deps.ts";
import type { Service, ServiceHealth } from "../lifecycle/service.ts";
import { backoffDelay, type BackoffOptions } from "../queue/backoff.ts";
import { jobOutcomes } from "./job-outcomes.ts";
import { type SqsOps, sqsOps } from "./sqs-client.ts";
import { handleMessage, type InFlight } from "./sqs-message.ts";

export interface ConsumerTuning {
  /**
   * Messages held at once, each waiting for its job; default 10 × mirror.concurrency. Holding one
   * costs a heartbeat every third of the visibility timeout, and a burst for one repo then folds
   * into one waiting job instead of queueing in SQS one receive at a time (bench/sqs.bench.ts).
   */
  maxInFlight?: number;
  /** Visibility heartbeat period; default a third of the visibility timeout. */
  heartbeatMs?: number;
  /** Between failed polls while SQS is unreachable; default 1 s doubling to 60 s, jittered. */
  pollBackoff?: BackoffOptions;
  /** The SQS calls (tests and benchmarks may wrap them); default @aws-sdk/client-sqs. */
  sqs?: SqsOps;
}

export function sqsConsumerService(deps: BridgeDeps, consumer: ConsumerConfig, tuning: ConsumerTuning = {}): Service {
  const { log, timers, redact } = deps;
  const maxInFlight = tuning.maxInFlight ?? 10 * deps.config.mirror.concurrency;
  const heartbeatMs = tuning.heartbeatMs ?? Math.max(200, (consumer.visibilityTimeoutSeconds * 1000) / 3);
  const pollBackoff = tuning.pollBackoff ?? { baseMs: 1000, maxMs: 60_000 };
  const fields = { consumer: consumer.name, queue: consumer.queueUrl };

  let sqs: SqsOps | undefined;
  const inflight = new Set<InFlight>();
  let slotFreed: () => void = () => {};
  const abort = new AbortController();
  let loop: Promise<void> | undefined;
  let failures = 0;
  let downSince: Date | undefined;
  let lastError = "";
  let received = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = timers.setTimeout(done, ms);
      function done() {
        timers.clearTimeout(t);
        abort.signal.removeEventListener("abort", done);
        resolve();
      }
      abort.signal.addEventListener("abort", done);
    });

  const poll = async (ops: SqsOps) => {
    const outcomes = jobOutcomes(deps.queue);
    const ctx = { consumer, config: deps.config, queue: deps.queue, outcomes, sqs: ops, log, redact, timers, heartbeatMs };
    try {
      while (!abort.signal.aborted) {
        if (inflight.size >= maxInFlight) {
          await new Promise<void>((r) => (slotFreed = r));
          continue;
        }
        let messages;
        try {
          messages = await ops.receive(maxInFlight - inflight.size, abort.signal);
        } catch (err) {
          if (abort.signal.aborted) break;
          failures++;
          downSince ??= deps.clock.now();
          lastError = redact(err instanceof Error ? err.message || err.name : String(err));
          const wait = Math.max(100, backoffDelay(failures, pollBackoff, Math.random));
          // One line when the outage starts, then one per ten failed polls: enough to see it.
          if (failures === 1 || failures % 10 === 0) {
            log.warn("sqs: cannot reach the queue; retrying", { ...fields, failures, retry_in_ms: wait, error: lastError });
          }
          await sleep(wait);
          continue;
        }
        if (failures > 0) log.info("sqs: queue reachable again", { ...fields, after_failures: failures });
        failures = 0;
        downSince = undefined;
        for (const m of messages) {
          received++;
          const f = handleMessage(ctx, m);
          inflight.add(f);
          void f.done.then(() => {
            inflight.delete(f);
            slotFreed();
          });
        }
      }
    } finally {
      outcomes.close();
    }
  };

  return {
    name: `sqs:${consumer.name}`,
    async start() {
      sqs = tuning.sqs ?? await sqsOps(consumer);
      log.info("sqs: consumer started", {
        ...fields,
        wait_s: consumer.waitTimeSeconds,
        visibility_s: consumer.visibilityTimeoutSeconds,
        credentials: consumer.credentials.accessKey ? "static keys" : "AWS default chain",
      });
      loop = poll(sqs);
    },
    async stop(deadlineMs) {
      const until = Date.now() + deadlineMs;
      abort.abort(); // ends a long poll in progress; anything it had received stays in SQS
      slotFreed();
      await loop;
      // Syncs that finish in time delete their message as usual; the rest are released for
      // another consumer (visibility 0) a little before the deadline rather than left invisible
      // for the rest of their timeout.
      const margin = Math.min(2000, deadlineMs / 10);
      const pending = [...inflight];
      if (pending.length) {
        let timer: unknown;
        const deadline = new Promise<void>((r) => (timer = timers.setTimeout(r, Math.max(0, until - Date.now() - margin))));
        await Promise.race([Promise.all(pending.map((f) => f.done)), deadline]);
        timers.clearTimeout(timer);
        await Promise.all([...inflight].map((f) => f.release()));
        await Promise.all(pending.map((f) => f.done));
      }
      sqs?.destroy();
      log.info("sqs: consumer stopped", { ...fields, messages: received });
    },
    health(): ServiceHealth {
      if (downSince !== undefined) {
        return {
          ok: false,
          detail: `cannot reach SQS queue ${consumer.queueUrl} since ${downSince.toISOString()} ` +
            `(${failures} failed polls, retrying with backoff): ${lastError}`,
        };
      }
      return { ok: true, detail: `polling ${consumer.queueUrl}; ${inflight.size} message(s) in flight` };
    },
  };
}

/** One service per configured consumer. */
export function sqsConsumerServices(deps: BridgeDeps, tuning?: ConsumerTuning): Service[] {
  return deps.config.consumers.map((c) => sqsConsumerService(deps, c, tuning));
}
