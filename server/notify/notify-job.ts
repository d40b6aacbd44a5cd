// What happens when a job finishes: its Slack message (if the repo's routing says so), sent to
// every target. A Slack outage never fails a sync: posts log and resolve instead of throwing.
// Incoming webhooks go through slack-sender.ts; bot-token targets through Slack's own Web API
// client (@slack/web-api), and through the Slack app when it runs (then failures carry buttons).
import type { WebClient } from "@slack/web-api";
import { repoNamed } from "../config/find-repo.ts";
import type { BridgeDeps } from "../deps.ts";
import type { Job } from "../queue/types.ts";
import { buildSyncMessage, type SlackMessage } from "./message.ts";
import { notificationTargets } from "./route-notification.ts";
import { createSlackNotifier } from "./slack-sender.ts";

/** Posts a message as the Slack app's bot (with buttons where they apply). */
export type BotPost = (channel: string, message: SlackMessage, job: Job) => Promise<unknown>;

export interface JobNotifierOptions {
  /** Slack Web API base (tests point it at a local server); default config.slack.apiUrl. */
  slackApiUrl?: string;
  /** The Slack app's poster, used for targets that use the app's own bot token. */
  bot?: { token: string; post: BotPost };
  /** @slack/web-api retry policy (tests: no retries). */
  retries?: number;
}

export function jobNotifier(deps: Pick<BridgeDeps, "config" | "fetch" | "log" | "redact" | "clock">, opts: JobNotifierOptions = {}) {
  const { config } = deps;
  const apiUrl = opts.slackApiUrl ?? config.slack.apiUrl;
  const slack = createSlackNotifier({ fetch: deps.fetch, log: deps.log, redact: deps.redact, slackApiUrl: apiUrl });
  const clients = new Map<string, WebClient>();
  const viaWebApi = async (token: string, channel: string, message: SlackMessage) => {
    let client = clients.get(token);
    if (!client) {
      // Loaded on first use: a bridge that only uses incoming webhooks never loads it.
      const { WebClient } = await import("@slack/web-api");
      client = new WebClient(token, {
        slackApiUrl: apiUrl,
        retryConfig: { retries: opts.retries ?? 2, maxRetryTime: 10_000 },
        // The client's own logger would print request details; failures are logged below.
        logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => "error" as never, setName() {} },
        timeout: 5000,
      });
      clients.set(token, client);
    }
    try {
      await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never, unfurl_links: false, unfurl_media: false });
    } catch (err) {
      const e = err as { data?: { error?: string }; message?: string };
      deps.log.warn("slack notification not delivered", { target: `chat.postMessage to channel ${channel}`, error: deps.redact(e?.data?.error ?? e?.message ?? String(err)) });
    }
  };
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
    await Promise.all(notificationTargets(config, repo).map((t) => {
      if (!("botToken" in t)) return slack.send(t, message);
      if (opts.bot && opts.bot.token === t.botToken) return opts.bot.post(t.channel, message, job);
      return viaWebApi(t.botToken, t.channel, message);
    }));
  };
}
