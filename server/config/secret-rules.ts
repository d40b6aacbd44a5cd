// Secrets the bridge cannot protect are refused. The redactor replaces known secret values in
// every log line and error text, but a value under MIN_SECRET_LENGTH characters cannot be told
// apart from ordinary text ("abc" would be starred out of every word), so it is never redacted:
// such a setting is an error, and the message never repeats the value.
import { MIN_SECRET_LENGTH } from "../mirror/redact.ts";
import type { Env } from "./expand-env.ts";
import { formatPath } from "./positions.ts";
import type { Path } from "./positions.ts";
import type { Report } from "./report.ts";
import type { RawConfig } from "./schema.ts";

/** Every secret setting of the file (path and value), and the environment fallbacks. */
export function secretSettings(raw: RawConfig): Array<[Path, string | undefined]> {
  const out: Array<[Path, string | undefined]> = [];
  for (const [name, p] of Object.entries(raw.providers)) {
    out.push([["providers", name, "credentials", "token"], p.credentials.token]);
    out.push([["providers", name, "credentials", "git_password"], p.credentials.git_password]);
  }
  const consumers: Array<[Path, RawConfig["consumers"][number]]> = raw.consumers.map((c, i) => [["consumers", i], c]);
  if (raw.consumer) consumers.push([["consumer"], raw.consumer]);
  for (const [at, c] of consumers) {
    out.push([[...at, "credentials", "access_key"], c.credentials.access_key]);
    out.push([[...at, "credentials", "secret_key"], c.credentials.secret_key]);
  }
  for (const k of ["github_secret", "gitlab_secret", "gitea_secret"] as const) out.push([["webhook", k], raw.webhook[k]]);
  out.push([["retry", "api_token"], raw.retry.api_token]);
  out.push([["notification", "slack", "webhook_url"], raw.notification.slack.webhook_url]);
  out.push([["notification", "slack", "bot_token"], raw.notification.slack.bot_token]);
  raw.repos.forEach((r, i) => out.push([["repos", i, "slack_webhook_url"], r.slack_webhook_url]));
  out.push([["hooks", "secret"], raw.hooks.secret]);
  return out;
}

const ENV_SECRETS = ["RETRY_API_TOKEN", "SLACK_WEBHOOK_URL"] as const;

export function checkSecretLengths(raw: RawConfig, env: Env, report: Report): void {
  const tooShort = (v: string | undefined) => v !== undefined && v !== "" && v.length < MIN_SECRET_LENGTH;
  const why = `secrets shorter than ${MIN_SECRET_LENGTH} characters cannot be redacted from logs and error ` +
    "messages (they look like ordinary text), so they are refused. Use a long random value";
  for (const [path, value] of secretSettings(raw)) {
    if (tooShort(value)) report.error(path, `${formatPath(path)} is shorter than ${MIN_SECRET_LENGTH} characters: ${why}`);
  }
  for (const name of ENV_SECRETS) {
    if (tooShort(env[name])) {
      report.errorWithoutPosition(`environment variable ${name} is shorter than ${MIN_SECRET_LENGTH} characters: ${why}, or unset it`);
    }
  }
}
