// Validated raw config + env → the normalized Config: defaults, env overrides, consumers,
// secrets for redaction, and the warnings an operator should see at startup.
import { dirname, resolve } from "node:path";
import { blank, buildProviders } from "./check-providers.ts";
import { buildRepos } from "./check-repos.ts";
import type { Env } from "./expand-env.ts";
import { checkSecretLengths } from "./secret-rules.ts";
import { formatPath } from "./positions.ts";
import type { Path } from "./positions.ts";
import type { Report } from "./report.ts";
import { isHttpUrl } from "./base-url.ts";
import { buildConsumers } from "./check-consumers.ts";
import { buildQueue } from "./check-queue.ts";
import type { RawConfig } from "./schema.ts";
import type { Config, SlackConfig } from "./types.ts";
import { buildReconcile } from "./reconcile-settings.ts";

export const DEFAULTS = {
  port: 8080,
  timeoutSeconds: 300,
  drainTimeoutSeconds: 120,
  concurrency: 4,
  maxBodySizeMb: 25, // the Go bridge used 10; GitHub sends payloads up to 25 MB
  workDir: "./data",
} as const;

export interface BuildContext {
  /** Absolute path of the config file. */
  path: string;
  env: Env;
  cwd: string;
}

export function buildConfig(raw: RawConfig, ctx: BuildContext, report: Report): Config {
  const { env } = ctx;
  checkSecretLengths(raw, env, report);
  const providers = buildProviders(raw.providers, report);
  const repos = buildRepos(raw.repos, providers, report);
  const mirror = {
    // 0 means "default": the Go bridge could not tell an explicit 0 from an absent key.
    timeoutSeconds: raw.mirror.timeout_seconds || DEFAULTS.timeoutSeconds,
    drainTimeoutSeconds: raw.mirror.drain_timeout_seconds || DEFAULTS.drainTimeoutSeconds,
    concurrency: raw.mirror.concurrency ?? DEFAULTS.concurrency,
  };
  const consumers = buildConsumers(raw, providers, report);
  const queue = buildQueue(raw.queue, report);

  // A Slack incoming-webhook URL is a credential: a malformed one is not repeated (this runs
  // before any redactor exists).
  const url = (path: Path, value: string | undefined, secret = false): string | undefined => {
    const v = blank(value);
    if (v !== undefined && !isHttpUrl(v)) {
      const shown = secret ? "the value is not shown, as it is a secret" : `got ${JSON.stringify(v)}`;
      report.error(path, `${formatPath(path)} must be an http(s) URL (${shown})`);
    }
    return v;
  };
  const slack = raw.notification.slack;
  const config: Config = {
    path: ctx.path,
    server: { port: port(raw.server.port, env, report) },
    providers,
    repos,
    consumers,
    ...(queue ? { queue } : {}),
    webhook: {
      gitlabSecret: blank(raw.webhook.gitlab_secret),
      githubSecret: blank(raw.webhook.github_secret),
      giteaSecret: blank(raw.webhook.gitea_secret),
      maxBodySizeMb: raw.webhook.max_body_size_mb || DEFAULTS.maxBodySizeMb,
    },
    // RETRY_API_TOKEN / SLACK_WEBHOOK_URL fill in only what the file leaves unset.
    retry: { apiToken: blank(raw.retry.api_token) ?? blank(env.RETRY_API_TOKEN) },
    notification: {
      slack: {
        webhookUrl: url(["notification", "slack", "webhook_url"], slack.webhook_url, true) ??
          blank(env.SLACK_WEBHOOK_URL),
        channel: blank(slack.channel),
        // One Slack app: the bot's token posts notifications unless they have their own.
        botToken: blank(slack.bot_token) ?? blank(raw.slack.bot_token) ?? blank(env.SLACK_BOT_TOKEN),
      },
    },
    mirror,
    slack: buildSlack(raw, env, url, report),
    git: { engine: raw.git.engine },
    hooks: { secret: blank(raw.hooks.secret), serverUrl: url(["hooks", "server_url"], raw.hooks.server_url) },
    reconcile: buildReconcile(raw.reconcile, report),
    status: { token: blank(raw.status.token) },
    // Relative to config.yaml, like an include: the two files usually sit side by side.
    ...(raw.migration && blank(raw.migration.config) ? { migration: { config: resolve(dirname(resolve(ctx.cwd, ctx.path)), raw.migration.config.trim()) } } : {}),
    workDir: resolve(ctx.cwd, blank(env.WORK_DIR) ?? blank(raw.work_dir) ?? DEFAULTS.workDir),
    secrets: [],
    warnings: [],
  };
  repos.forEach((r, i) => url(["repos", i, "slack_webhook_url"], r.slackWebhookUrl, true));
  config.secrets = collectSecrets(config);

  // A route only mirrors events for providers of its type, so unsigned requests matter (and are
  // worth a warning) only where such a provider is configured.
  const { githubSecret, gitlabSecret, giteaSecret } = config.webhook;
  const types = new Set([...providers.values()].map((p) => p.type));
  for (
    const [key, host, value, type] of [
      ["github_secret", "GitHub", githubSecret, "github"],
      ["gitlab_secret", "GitLab", gitlabSecret, "gitlab"],
      ["gitea_secret", "Gitea", giteaSecret, "gitea"],
    ] as const
  ) {
    if (value === undefined && types.has(type)) {
      report.warn(["webhook", key], `webhook.${key} is not set: ${host} webhook signatures are NOT verified`);
    }
  }
  return config;
}

/** `slack:`; SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET / SLACK_APP_TOKEN fill in what the file leaves unset. */
function buildSlack(
  raw: RawConfig,
  env: Env,
  url: (path: Path, value: string | undefined) => string | undefined,
  report: Report,
): SlackConfig {
  const s = raw.slack;
  const ids = (xs: string[]) => xs.map((x) => x.trim()).filter((x) => x !== "");
  const apiUrl = url(["slack", "api_url"], s.api_url) ?? "https://slack.com/api/";
  const out: SlackConfig = {
    botToken: blank(s.bot_token) ?? blank(env.SLACK_BOT_TOKEN),
    signingSecret: blank(s.signing_secret) ?? blank(env.SLACK_SIGNING_SECRET),
    appToken: blank(s.app_token) ?? blank(env.SLACK_APP_TOKEN),
    socketMode: s.socket_mode,
    allowedUsers: ids(s.allowed_users),
    allowedChannels: ids(s.allowed_channels),
    approvers: ids(s.approvers),
    apiUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`,
    allowSelfApproval: s.allow_self_approval,
  };
  const approvals = blank(s.approvals_channel);
  if (approvals !== undefined) out.approvalsChannel = approvals;
  // The app is on when it has a bot token; then it must be able to prove requests come from Slack.
  if (out.botToken !== undefined && out.socketMode && out.appToken === undefined) {
    report.error(["slack", "socket_mode"], "slack.socket_mode is true but slack.app_token is not set: set it (or SLACK_APP_TOKEN) to an xapp- token with connections:write, or turn socket_mode off");
  }
  if (out.botToken !== undefined && !out.socketMode && out.signingSecret === undefined) {
    report.errorWithoutPosition("slack.bot_token is set but slack.signing_secret is not: set it (or SLACK_SIGNING_SECRET) to the app's signing secret, or use slack.socket_mode with an app token");
  }
  return out;
}

function port(filePort: number | undefined, env: Env, report: Report): number {
  const fromEnv = blank(env.PORT);
  if (fromEnv === undefined) return filePort ?? DEFAULTS.port;
  const n = /^[0-9]+$/.test(fromEnv) ? Number(fromEnv) : NaN;
  if (!(n >= 1 && n <= 65535)) {
    report.errorWithoutPosition(
      `environment variable PORT must be an integer from 1 to 65535 (got ${
        JSON.stringify(fromEnv)
      }); fix or unset it`,
    );
  }
  return n;
}

/** Every secret value, longest first so redacting one cannot leave part of a longer one behind. */
export function collectSecrets(c: Config): string[] {
  const all: (string | undefined)[] = [
    ...[...c.providers.values()].flatMap((p) => [p.credentials.token, p.credentials.gitPassword]),
    ...c.consumers.flatMap((x) => [x.credentials.accessKey, x.credentials.secretKey]),
    c.queue?.credentials.secretKey,
    c.queue?.jobStore.credentials.secretKey,
    c.webhook.githubSecret,
    c.webhook.gitlabSecret,
    c.webhook.giteaSecret,
    c.retry.apiToken,
    c.notification.slack.webhookUrl,
    c.notification.slack.botToken,
    c.slack.botToken,
    c.slack.signingSecret,
    c.slack.appToken,
    ...c.repos.map((r) => r.slackWebhookUrl),
    c.hooks.secret,
    c.status.token,
  ];
  const set = new Set(all.filter((s): s is string => s !== undefined && s !== ""));
  return [...set].sort((a, b) => b.length - a.length);
}
