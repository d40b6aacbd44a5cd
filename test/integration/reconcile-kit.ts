// The reconcile tests' bridge: the real bridge on the test hosts with a hand-moved clock and
// timers (test/harness/manual-time.ts), so "the next scheduled tick" is a call, not a wait.
import { join } from "node:path";
import { parseConfig } from "../../server/config/index.ts";
import { startBridge } from "../../server/bridge.ts";
import { manualTime, type ManualTime } from "../harness/manual-time.ts";
import { type Hosts, type TestBridge, transcript } from "./server-kit.ts";

export interface ScheduledBridge extends TestBridge {
  time: ManualTime;
  /** Jobs whose onFinished listeners (snapshot, metrics, Slack) have run. */
  finishedSeen(): number;
  /** Fires the next scheduled tick and waits until that sweep has finished. */
  sweep(): Promise<void>;
}

export async function startScheduledBridge(hosts: Hosts, yaml: string, workDirName: string, slackApiUrl?: string): Promise<ScheduledBridge> {
  const workDir = join(hosts.dir, workDirName);
  hosts.workDirs.push(workDir);
  const config = parseConfig(yaml, "config.yaml", { ...hosts.env, WORK_DIR: workDir });
  const logs: string[] = [];
  // 00:00:30: the first tick of the default schedule (every 10 minutes) is 9.5 minutes away.
  const time = manualTime(new Date("2026-03-02T10:00:30Z"));
  const bridge = await startBridge({
    config,
    port: 0,
    hostname: "127.0.0.1",
    write: (line) => {
      logs.push(line);
      transcript.push(line);
    },
    clock: time.clock,
    timers: time.timers,
    ...(slackApiUrl ? { slackApiUrl } : {}),
  });
  let stopped: Promise<void> | undefined;
  let notified = 0;
  bridge.queue.onFinished(() => void notified++);
  return {
    url: bridge.url,
    bridge,
    config,
    workDir,
    logs,
    time,
    finishedSeen: () => notified,
    stop: (deadlineMs) => (stopped ??= bridge.stop(deadlineMs)),
    async sweep() {
      const before = bridge.reconcile.stats().completed;
      time.fireNext();
      while (bridge.reconcile.stats().completed === before) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

/**
 * Resolves when the queue holds no queued or running job and every finished job has been handed
 * to the onFinished listeners (the queue makes the record durable first).
 */
export async function queueIdle(b: ScheduledBridge, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const final = new Set(["succeeded", "partial", "failed"]);
  for (;;) {
    const s = b.bridge.queue.stats();
    const done = b.bridge.queue.list().filter((j) => final.has(j.state)).length;
    if (s.queued === 0 && s.running === 0 && done === b.finishedSeen()) return;
    if (Date.now() > deadline) throw new Error(`queue still busy after ${timeoutMs} ms: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
