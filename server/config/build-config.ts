// Validated raw config + env → the normalized Config: defaults, env overrides, consumers,
// secrets for redaction, and the warnings an operator should see at startup.
import { resolve } from "node:path";
import { blank, buildProviders } from "./check-providers.ts";
import { buildRepos } from "./check-repos.ts";
import type { Env } from "./expand-env.ts";
import { formatPath } from "./positions.ts";
import type { Path } from "./positions.ts";
import type { Report } from "./report.ts";
import { isHttpUrl } from "./base-url.ts";
import { buildConsumers } from "./check-consumers.ts";
import { buildQueue } from "./check-queue.ts";
import type { RawConfig } from "./schema.ts";
import type { Config } from "./types.ts";

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

  const url = (path: Path, value: string | undefined): string | undefined => {
    const v = blank(value);
    if (v !== undefined && !isHttpUrl(v)) {
      report.error(path, `${formatPath(path)} must be an http(s) URL (got ${JSON.stringify(v)})`);
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
        webhookUrl: url(["notification", "slack", "webhook_url"], slack.webhook_url) ??
          blank(env.SLACK_WEBHOOK_URL),
        channel: blank(slack.channel),
        botToken: blank(slack.bot_token),
      },
    },
    mirror,
    git: { engine: raw.git.engine },
    hooks: { secret: blank(raw.hooks.secret), serverUrl: url(["hooks", "server_url"], raw.hooks.server_url) },
    workDir: resolve(ctx.cwd, blank(env.WORK_DIR) ?? blank(raw.work_dir) ?? DEFAULTS.workDir),
    secrets: [],
    warnings: [],
  };
  repos.forEach((r, i) => url(["repos", i, "slack_webhook_url"], r.slackWebhookUrl));
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
    ...c.repos.map((r) => r.slackWebhookUrl),
    c.hooks.secret,
  ];
  const set = new Set(all.filter((s): s is string => s !== undefined && s !== ""));
  return [...set].sort((a, b) => b.length - a.length);
}
