// consumers: (and the legacy single consumer:) → ConsumerConfig[], with the rules that need more
// than one field: unique names, a region the SQS client can use, the provider the queue is for.
import { isHttpUrl, REGION } from "./base-url.ts";
import { blank } from "./check-providers.ts";
import type { Path } from "./positions.ts";
import type { Report } from "./report.ts";
import type { RawConfig, RawConsumer } from "./schema.ts";
import type { ConsumerConfig, ProviderConfig } from "./types.ts";

/** As documented for the Go bridge's consumer: 20 s long polls, 120 s visibility. */
export const CONSUMER_DEFAULTS = { waitTimeSeconds: 20, visibilityTimeoutSeconds: 120, retryBackoffSeconds: 10 } as const;

export function buildConsumers(
  raw: RawConfig,
  providers: Map<string, ProviderConfig>,
  report: Report,
): ConsumerConfig[] {
  // The legacy single `consumer:` joins the list when its queue_url is set (as in the Go bridge);
  // expand-env.ts already dropped it when queue_url was unset.
  const entries: [Path, RawConsumer, string][] = raw.consumers.map((c, i) => [["consumers", i], c, `sqs-${i}`]);
  if (raw.consumer && blank(raw.consumer.queue_url) !== undefined) {
    entries.push([["consumer"], raw.consumer, "default"]);
  }
  const names = new Map<string, string>();
  const out: ConsumerConfig[] = [];
  for (const [path, c, defaultName] of entries) {
    const label = path.length === 2 ? `consumers[${path[1]}]` : "consumer";
    const queueUrl = blank(c.queue_url);
    if (queueUrl === undefined) {
      report.error(path, `${label}.queue_url is required (the SQS queue URL to poll for CodeCommit events)`);
    } else if (!isHttpUrl(queueUrl)) {
      report.error([...path, "queue_url"], `${label}.queue_url must be an http(s) URL (got ${JSON.stringify(queueUrl)})`);
    }
    const name = blank(c.name) ?? defaultName;
    if (names.has(name)) {
      report.error(
        [...path, "name"],
        `${label}.name "${name}" is already used by ${names.get(name)}; consumer names must be unique`,
      );
    }
    names.set(name, label);

    const providerName = blank(c.provider);
    const provider = providerName === undefined ? undefined : providers.get(providerName);
    if (providerName !== undefined && provider?.type !== "codecommit") {
      const codecommit = [...providers.values()].filter((p) => p.type === "codecommit").map((p) => p.name);
      report.error(
        [...path, "provider"],
        `${label}.provider must name a codecommit provider under providers: (got ${JSON.stringify(providerName)}; ` +
          `codecommit providers: ${codecommit.join(", ") || "none"})`,
      );
    }
    const endpoint = blank(c.endpoint);
    if (endpoint !== undefined && !isHttpUrl(endpoint)) {
      report.error([...path, "endpoint"], `${label}.endpoint must be an http(s) URL (got ${JSON.stringify(endpoint)})`);
    }
    // The SQS client signs for a region: the consumer's own, else the one in an AWS queue URL
    // (https://sqs.<region>.amazonaws.com/<account>/<name>), else its provider's.
    const region = blank(c.region) ?? regionOfQueueUrl(queueUrl) ?? provider?.region;
    if (region === undefined && queueUrl !== undefined) {
      report.error(path, `${label}.region is required: the queue URL does not name one (e.g. region: eu-west-1)`, { key: true });
    } else if (region !== undefined && !REGION.test(region)) {
      report.error([...path, "region"], `${label}.region must be an AWS region such as eu-west-1 (got ${JSON.stringify(region)})`);
    }

    const credentials: ConsumerConfig["credentials"] = {};
    const accessKey = blank(c.credentials.access_key);
    const secretKey = blank(c.credentials.secret_key);
    if ((accessKey === undefined) !== (secretKey === undefined)) {
      report.error(
        [...path, "credentials"],
        `${label}.credentials needs both access_key and secret_key, or neither (then the AWS default credential chain is used)`,
      );
    }
    if (accessKey !== undefined) credentials.accessKey = accessKey;
    if (secretKey !== undefined) credentials.secretKey = secretKey;
    const consumer: ConsumerConfig = {
      name,
      type: c.type,
      queueUrl: queueUrl ?? "",
      credentials,
      // 0 means "default" (the Go bridge could not tell 0 from absent). A sync may run longer than
      // this: the consumer's heartbeat extends the message's visibility while it runs.
      visibilityTimeoutSeconds: c.visibility_timeout_seconds || CONSUMER_DEFAULTS.visibilityTimeoutSeconds,
      waitTimeSeconds: c.wait_time_seconds ?? CONSUMER_DEFAULTS.waitTimeSeconds,
      retryBackoffSeconds: c.retry_backoff_seconds ?? CONSUMER_DEFAULTS.retryBackoffSeconds,
    };
    if (region !== undefined) consumer.region = region;
    if (providerName !== undefined) consumer.provider = providerName;
    if (endpoint !== undefined) consumer.endpoint = endpoint.replace(/\/+$/, "");
    out.push(consumer);
  }
  return out;
}

export function regionOfQueueUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const m = /^sqs[.-]([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(url).hostname);
    return m && REGION.test(m[1]) ? m[1] : undefined;
  } catch {
    return undefined;
  }
}
