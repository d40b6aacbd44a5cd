// queue: → the distributed queue's settings, or undefined for the embedded journal queue.
import { isHttpUrl, REGION } from "./base-url.ts";
import { blank } from "./check-providers.ts";
import { regionOfQueueUrl } from "./check-consumers.ts";
import type { Path } from "./positions.ts";
import type { Report } from "./report.ts";
import type { RawQueue } from "./schema.ts";
import type { DistributedQueueConfig } from "./types.ts";

export function buildQueue(raw: RawQueue | undefined, report: Report): DistributedQueueConfig | undefined {
  if (!raw || raw.type === "embedded") return undefined;
  const at = (...rest: string[]): Path => ["queue", ...rest];
  const queueUrl = blank(raw.queue_url);
  if (queueUrl === undefined) {
    report.error(at(), "queue.queue_url is required for type sqs (the URL of an SQS FIFO queue, ending in .fifo)", { key: true });
  } else if (!isHttpUrl(queueUrl) || !queueUrl.endsWith(".fifo")) {
    report.error(
      at("queue_url"),
      `queue.queue_url must be the http(s) URL of an SQS FIFO queue, ending in .fifo (got ${JSON.stringify(queueUrl)}); ` +
        "a standard queue cannot keep one repo's syncs apart",
    );
  }
  const region = blank(raw.region) ?? regionOfQueueUrl(queueUrl);
  if (region === undefined) report.error(at(), "queue.region is required: the queue URL does not name one", { key: true });
  else if (!REGION.test(region)) report.error(at("region"), `queue.region must be an AWS region such as eu-west-1 (got ${JSON.stringify(region)})`);
  const endpoint = url(blank(raw.endpoint), at("endpoint"), report);
  const store = raw.job_store;
  const bucket = blank(store?.bucket);
  if (bucket === undefined) {
    report.error(
      at(),
      "queue.job_store.bucket is required for type sqs: the S3 bucket every replica reads job records from (GET /jobs/:id)",
      { key: true },
    );
  }
  const keys = (c: { access_key?: string; secret_key?: string } | undefined, path: Path) => {
    const accessKey = blank(c?.access_key);
    const secretKey = blank(c?.secret_key);
    if ((accessKey === undefined) !== (secretKey === undefined)) {
      report.error(path, `${path.join(".")} needs both access_key and secret_key, or neither (then the AWS default credential chain is used)`);
    }
    return { ...(accessKey ? { accessKey } : {}), ...(secretKey ? { secretKey } : {}) };
  };
  const credentials = keys(raw.credentials, at("credentials"));
  const storeEndpoint = url(blank(store?.endpoint), at("job_store", "endpoint"), report) ?? endpoint;
  const prefix = blank(store?.prefix) ?? "git-bridge/";
  const out: DistributedQueueConfig = {
    type: "sqs",
    queueUrl: queueUrl ?? "",
    region: region ?? "",
    credentials,
    visibilityTimeoutSeconds: raw.visibility_timeout_seconds || 120,
    waitTimeSeconds: raw.wait_time_seconds ?? 20,
    jobStore: {
      bucket: bucket ?? "",
      prefix: prefix.endsWith("/") ? prefix : `${prefix}/`,
      region: blank(store?.region) ?? region ?? "",
      credentials: store?.credentials && Object.keys(store.credentials).length ? keys(store.credentials, at("job_store", "credentials")) : credentials,
      ...(storeEndpoint !== undefined ? { endpoint: storeEndpoint } : {}),
    },
  };
  if (endpoint !== undefined) out.endpoint = endpoint;
  return out;
}

function url(v: string | undefined, path: Path, report: Report): string | undefined {
  if (v === undefined) return undefined;
  if (!isHttpUrl(v)) {
    report.error(path, `${path.join(".")} must be an http(s) URL (got ${JSON.stringify(v)})`);
    return undefined;
  }
  return v.replace(/\/+$/, "");
}
