// One received SQS message, from receipt to delete or return. The documented contract (API
// reference, "SQS Consumer"): on success the message is deleted; on failure it stays, so SQS
// retries it and the queue's redrive policy moves it to the DLQ after maxReceiveCount receives.
// Beyond that:
// - while its sync waits and runs, a heartbeat extends the message's visibility, so no other
//   consumer receives it even when the sync outlasts the visibility timeout;
// - a failed sync's message becomes visible again after a backoff that doubles per receive,
//   rather than after the whole visibility timeout;
// - a message that can never become a sync (not JSON, not a CodeCommit reference event, a repo no
//   provider here holds) is deleted with a log line naming why, instead of cycling into the DLQ;
// - release() (shutdown) stops the heartbeat and makes the message visible at once.
import type { Config, ConsumerConfig } from "../config/types.ts";
import type { Timers } from "../deps.ts";
import type { Logger } from "../log.ts";
import type { Queue } from "../queue/queue.ts";
import type { Job } from "../queue/types.ts";
import { parseCodeCommitEvent } from "./codecommit-event.ts";
import { matchCodeCommitEvent } from "./codecommit-match.ts";
import type { JobOutcomes } from "./job-outcomes.ts";
import type { Message, SqsOps } from "./sqs-client.ts";

/** SQS refuses a visibility timeout above 12 hours. */
const MAX_VISIBILITY_S = 43_200;

export interface MessageContext {
  consumer: ConsumerConfig;
  config: Pick<Config, "providers" | "repos">;
  queue: Pick<Queue, "enqueue" | "distributed">;
  outcomes: JobOutcomes;
  sqs: SqsOps;
  log: Logger;
  redact: (s: string) => string;
  timers: Timers;
  heartbeatMs: number;
}

export interface InFlight {
  messageId: string;
  /** Settles when the message is deleted, returned or released. */
  done: Promise<void>;
  /** Stop waiting for the sync and make the message visible now. No-op once settled. */
  release(): Promise<void>;
}

/** Seconds until a failed message is visible again: the base doubled per earlier receive. */
export function retryDelaySeconds(baseSeconds: number, receives: number): number {
  return Math.min(MAX_VISIBILITY_S, baseSeconds * 2 ** Math.min(20, Math.max(0, receives - 1)));
}

export function handleMessage(ctx: MessageContext, m: Message): InFlight {
  const { consumer, sqs, log, timers } = ctx;
  const receipt = m.ReceiptHandle ?? "";
  const messageId = m.MessageId ?? "?";
  const receives = Number(m.Attributes?.ApproximateReceiveCount ?? "1") || 1;
  const fields = { consumer: consumer.name, message: messageId, receive: receives };
  const errorOf = (err: unknown) => ctx.redact(err instanceof Error ? err.message || err.name : String(err));

  let settled = false;
  let heartbeat: unknown;
  let beating: Promise<void> = Promise.resolve();
  let onRelease: (v: "released") => void = () => {};
  const released = new Promise<"released">((r) => (onRelease = r));

  // A failed delete or visibility change is logged, never thrown: the message then simply comes
  // back after its visibility timeout and is mirrored again, which is harmless (an echo).
  const call = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      log.warn(`sqs: ${what} failed`, { ...fields, error: errorOf(err) });
    }
  };
  const stopHeartbeat = async () => {
    if (heartbeat !== undefined) timers.clearInterval(heartbeat);
    heartbeat = undefined;
    await beating; // a heartbeat still on the wire must not undo a release that follows it
  };
  const retryLater = (why: string, extra: Record<string, unknown>) => {
    const seconds = retryDelaySeconds(consumer.retryBackoffSeconds, receives);
    log.warn(`sqs: ${why}; the message returns in ${seconds} s (the queue's redrive policy counts receives)`, {
      ...fields,
      ...extra,
    });
    return call("returning the message", () => sqs.setVisibility(receipt, seconds));
  };

  const run = async (): Promise<void> => {
    const parsed = parseCodeCommitEvent(m.Body ?? "");
    const matched = "unusable" in parsed ? parsed : matchCodeCommitEvent(ctx.config, consumer, parsed);
    if ("unusable" in matched) {
      settled = true;
      log.warn("sqs: deleted a message that can never be mirrored", { ...fields, reason: matched.unusable });
      return call("delete", () => sqs.delete(receipt));
    }
    heartbeat = timers.setInterval(() => {
      beating = call("visibility heartbeat", () => sqs.setVisibility(receipt, consumer.visibilityTimeoutSeconds));
    }, ctx.heartbeatMs);
    try {
      let jobId: string;
      try {
        // One delivery id per receive: a redelivered message is a new attempt, not a duplicate.
        const res = await ctx.queue.enqueue({ ...matched.request, deliveryId: `sqs:${consumer.name}:${messageId}:${receives}` });
        jobId = res.jobId;
      } catch (err) {
        if (settled) return;
        settled = true;
        await stopHeartbeat();
        return retryLater("could not queue the sync", { error: errorOf(err) });
      }
      log.info("sqs: CodeCommit event queued", {
        ...fields,
        repo: matched.request.repo,
        ref: matched.request.ref,
        event: "event" in parsed ? parsed.event : undefined,
        job: jobId,
      });
      if (ctx.queue.distributed) {
        // Distributed mode: the job is now durable in the shared SQS FIFO queue, which retries it
        // on whichever replica runs it; this message has done its work.
        settled = true;
        await stopHeartbeat();
        return call("delete", () => sqs.delete(receipt));
      }
      const outcome: Job | "released" = await Promise.race([ctx.outcomes.wait(jobId), released]);
      if (outcome === "released" || settled) return;
      settled = true;
      await stopHeartbeat();
      if (outcome.state === "failed") {
        return retryLater("sync failed", { repo: outcome.request.repo, job: outcome.id, error: outcome.error });
      }
      // succeeded, or partial: divergence and host rejections are results, reported by the job;
      // retrying the same event would only report them again.
      return call("delete", () => sqs.delete(receipt));
    } finally {
      if (heartbeat !== undefined) timers.clearInterval(heartbeat);
    }
  };

  return {
    messageId,
    done: run().catch((err) => log.error("sqs: message handling failed", { ...fields, error: errorOf(err) })),
    async release() {
      if (settled) return;
      settled = true;
      onRelease("released");
      await stopHeartbeat();
      log.info("sqs: released an in-flight message for another consumer (shutting down)", fields);
      await call("release", () => sqs.setVisibility(receipt, 0));
    },
  };
}
