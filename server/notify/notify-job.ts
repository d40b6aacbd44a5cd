// What happens when a job finishes: its Slack message (if the repo's routing says so), sent to
// every target. A Slack outage never fails a sync: send() logs and returns false instead of throwing.
import { repoNamed } from "../config/find-repo.ts";
import type { BridgeDeps } from "../deps.ts";
import type { Job } from "../queue/types.ts";
import { buildSyncMessage } from "./message.ts";
import { notificationTargets } from "./route-notification.ts";
import { createSlackNotifier } from "./slack-sender.ts";

export function jobNotifier(deps: Pick<BridgeDeps, "config" | "fetch" | "log" | "redact" | "clock">, slackApiUrl?: string) {
  const { config } = deps;
  const slack = createSlackNotifier({ fetch: deps.fetch, log: deps.log, redact: deps.redact, slackApiUrl });
  return async (job: Job): Promise<void> => {
    const repo = repoNamed(config, job.request.repo);
    if (!repo) return;
    const authors = Object.fromEntries(
      (job.result?.refs ?? []).filter((r) => r.author && r.to).map((r) => [r.to!, r.author!]),
    );
    const elapsed = job.started_at ? deps.clock.now().getTime() - Date.parse(job.started_at) : 0;
    const message = buildSyncMessage({
      job,
      repo,
      config,
      durationMs: job.result?.duration_ms ?? elapsed,
      result: job.result,
      error: job.state === "failed" ? job.error : undefined,
      authors,
    });
    if (!message) return;
    await Promise.all(notificationTargets(config, repo).map((t) => slack.send(t, message)));
  };
}
