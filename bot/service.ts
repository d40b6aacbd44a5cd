// The Slack app as a Service of the bridge (server/lifecycle/service.ts): off (undefined) without
// slack.bot_token, so /slack/events answers 404; over HTTP it hands the Hono route a handler, in
// Socket Mode it opens the WebSocket itself. start() checks the token (auth.test); when Slack is
// unreachable the bridge still starts, the service reports itself degraded in /ready and tries
// again every 30 s.
import type { Logger as SlackLogger } from "@slack/logger";
import { LogLevel } from "@slack/logger";
import type { App } from "@slack/bolt";
import type { BridgeDeps } from "../server/deps.ts";
import type { Service, ServiceHealth } from "../server/lifecycle/service.ts";
import type { SlackMessage } from "../server/notify/message.ts";
import type { Job } from "../server/queue/types.ts";
import { actionRecords } from "./actions/records.ts";
import { createBoltApp } from "./bolt-app.ts";
import type { BotContext } from "./context.ts";
import { jobWatch } from "./job-watch.ts";
import { postJobMessage, slackError } from "./post-job-message.ts";
import { HonoReceiver } from "./receiver.ts";
import { SocketReceiver } from "./socket-receiver.ts";
import type { StatusSource } from "./status-source.ts";
import type { MigrationDeps } from "../scripts/migrate/api.ts";
import { migrationOpener } from "./migration/open.ts";

export interface SlackServiceOptions {
  /** Web API retries (default 2; tests: 0). */
  retries?: number;
  /** Overrides slack.api_url (tests). */
  apiUrl?: string;
  /** Where status comes from: the status snapshot (the composition root passes it). */
  status: StatusSource;
  /** Replaces parts of the migration's IO (tests: the emulators' clock and sleep). */
  migrationDeps?: Partial<MigrationDeps>;
}

export interface SlackService extends Service {
  /** POST /slack/events (absent in Socket Mode). */
  handleHttp?: (req: Request) => Promise<Response>;
  /** Posts a notification as the bot, with buttons on failures and divergence. */
  post(channel: string, message: SlackMessage, job: Job): Promise<unknown>;
  token: string;
}

const RETRY_INIT_MS = 30_000;

export function createSlackService(deps: BridgeDeps, opts: SlackServiceOptions): SlackService | undefined {
  const s = deps.config.slack;
  if (!s.botToken) return undefined;
  const token = s.botToken;
  const apiUrl = opts.apiUrl ?? s.apiUrl;
  const retries = opts.retries ?? 2;
  const logger = boltLogger(deps);
  const receiver = s.socketMode
    ? new SocketReceiver({ appToken: s.appToken!, apiUrl, logger, retries, onError: (e) => deps.log.error("slack: handler failed", { error: String(e) }) })
    : new HonoReceiver({ signingSecret: s.signingSecret!, log: deps.log, now: () => deps.clock.now().getTime() });
  let ctx!: BotContext;
  const app: App = createBoltApp({ token, receiver, apiUrl, retries, logger, context: () => ctx });
  ctx = {
    deps,
    client: app.client,
    records: actionRecords(deps.config.workDir),
    status: opts.status,
    watch: jobWatch(deps.log),
    migration: migrationOpener(deps, opts.migrationDeps),
    audit: (f) => deps.log.warn("slack: denied", { audit: true, ...f }),
  };
  let health: ServiceHealth = { ok: false, detail: "starting" };
  let retryTimer: unknown;
  let unsubscribe: (() => void) | undefined;
  let started = false;

  const init = async (): Promise<void> => {
    try {
      await app.init();
      if (receiver instanceof SocketReceiver) await receiver.start();
      started = true;
      health = { ok: true, detail: s.socketMode ? "socket mode" : "http (/slack/events)" };
    } catch (err) {
      health = { ok: false, detail: `cannot reach Slack: ${deps.redact(slackError(err))}; retrying every 30 s` };
      deps.log.warn("slack: app not started", { error: deps.redact(slackError(err)) });
      retryTimer = deps.timers.setTimeout(() => void init(), RETRY_INIT_MS);
    }
  };

  return {
    name: "slack",
    token,
    ...(receiver instanceof HonoReceiver
      ? {
        handleHttp: (req: Request) =>
          started ? receiver.handle(req) : Promise.resolve(new Response("the Slack app is not connected yet", { status: 503 })),
      }
      : {}),
    post: (channel, message, job) => postJobMessage({ client: app.client, records: ctx.records, log: deps.log, now: () => deps.clock.now() }, channel, message, job),
    async start() {
      unsubscribe = deps.queue.onFinished((job) => ctx.watch.finished(job));
      await init();
    },
    async stop() {
      if (retryTimer !== undefined) deps.timers.clearTimeout(retryTimer);
      unsubscribe?.();
      if (receiver instanceof SocketReceiver && started) await receiver.stop().catch(() => {});
      started = false;
    },
    health: () => health,
  };
}

/** Bolt's log lines into the bridge's (redacted) log; debug and info are Bolt internals. */
function boltLogger(deps: Pick<BridgeDeps, "log">): SlackLogger {
  const join = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  return {
    debug() {},
    info() {},
    warn: (...msg: unknown[]) => deps.log.warn("slack: bolt", { detail: join(msg) }),
    error: (...msg: unknown[]) => deps.log.error("slack: bolt", { detail: join(msg) }),
    setLevel() {},
    getLevel: () => LogLevel.WARN,
    setName() {},
  };
}
