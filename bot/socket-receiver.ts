// Socket Mode for installs with no public URL: Slack's events arrive over a WebSocket the bridge
// opens (apps.connections.open with the xapp- app token). Bolt's own SocketModeReceiver cannot be
// pointed at another Web API base, so this small receiver drives @slack/socket-mode's client
// with the configured slack.api_url, and hands every envelope to the same Bolt app.
import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import { SocketModeClient } from "@slack/socket-mode";
import type { Logger as SlackLogger } from "@slack/logger";

export class SocketReceiver implements Receiver {
  private app?: App;
  readonly client: SocketModeClient;
  private readonly onError: (err: unknown) => void;

  constructor(o: { appToken: string; apiUrl: string; logger: SlackLogger; onError: (err: unknown) => void; retries: number }) {
    this.onError = o.onError;
    this.client = new SocketModeClient({
      appToken: o.appToken,
      logger: o.logger,
      clientOptions: { slackApiUrl: o.apiUrl, retryConfig: { retries: o.retries } },
    });
    this.client.on("slack_event", async (args: { body: Record<string, unknown>; ack: (r?: unknown) => Promise<void>; retry_num?: number; retry_reason?: string }) => {
      let acked = false;
      const event: ReceiverEvent = {
        body: args.body,
        ...(args.retry_num !== undefined ? { retryNum: args.retry_num } : {}),
        ...(args.retry_reason !== undefined ? { retryReason: args.retry_reason } : {}),
        ack: async (response?: unknown) => {
          if (acked) return;
          acked = true;
          await args.ack(response);
        },
      };
      try {
        await this.app?.processEvent(event);
      } catch (err) {
        this.onError(err);
        if (!acked) await event.ack();
      }
    });
  }

  init(app: App): void {
    this.app = app;
  }
  start(): Promise<unknown> {
    return this.client.start();
  }
  stop(): Promise<unknown> {
    return this.client.disconnect();
  }
}
