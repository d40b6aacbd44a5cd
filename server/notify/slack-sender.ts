// Delivers a SlackMessage to an incoming webhook or through chat.postMessage. A notification is a
// courtesy: a Slack outage (network error, timeout, 5xx, `ok: false`) must never fail or slow down
// a sync, so send() never throws; it logs a redacted warning and resolves to false.
//
// Webhook URLs and bot tokens are credentials (anyone holding a webhook URL can post to the
// channel), so neither ever appears in a log line: every logged string is scrubbed of the
// target's own secrets before the injected redactor sees it. Some runtimes put the request URL
// into fetch's error messages (Deno: "error sending request for url (https://hooks…)").
import type { Logger } from "../log.ts";
import { redact, type Redactor } from "../mirror/redact.ts";
import type { SlackMessage } from "./message.ts";
import { truncatePlain } from "./mrkdwn.ts";

export type SlackTarget = { webhookUrl: string } | { botToken: string; channel: string };

export interface SlackNotifierDeps {
  fetch: typeof globalThis.fetch;
  log: Logger;
  redact: Redactor;
  /** Slack Web API base (tests point it at a local server). */
  slackApiUrl?: string;
  /** Per attempt, covering the response body too. */
  timeoutMs?: number;
  /** Injected so tests need not wait out a Retry-After. */
  sleep?: (ms: number) => Promise<void>;
}

export interface SlackNotifier {
  /** true when Slack accepted the message; false (and a logged warning) otherwise. Never throws. */
  send(target: SlackTarget, message: SlackMessage): Promise<boolean>;
}

/** Slack asks clients to wait Retry-After seconds after a 429; longer than this is not worth holding a job. */
const MAX_RETRY_AFTER_MS = 5000;
/** A 429 without a usable Retry-After: wait this long once. */
const DEFAULT_RETRY_AFTER_MS = 1000;

type Outcome = { ok: true } | { ok: false; detail: string; retryAfterMs?: number };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSlackNotifier(deps: SlackNotifierDeps): SlackNotifier {
  const { fetch, log, timeoutMs = 5000, sleep = defaultSleep } = deps;
  const base = deps.slackApiUrl ?? "https://slack.com/api/";
  const apiBase = base.endsWith("/") ? base : `${base}/`;

  return {
    async send(target, message) {
      const isWebhook = "webhookUrl" in target;
      const secrets = isWebhook ? webhookSecrets(target.webhookUrl) : [target.botToken];
      const scrub = (text: string) => deps.redact(redact(text, secrets));
      const where = isWebhook ? "incoming webhook" : `chat.postMessage to channel ${target.channel}`;
      // Link previews of the target repo page would only make the message longer.
      const common = { text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false };
      const request: PostRequest = isWebhook
        ? { url: target.webhookUrl, headers: {}, body: common, api: false }
        : {
          url: `${apiBase}chat.postMessage`,
          headers: { authorization: `Bearer ${target.botToken}` },
          body: { channel: target.channel, ...common },
          api: true,
        };
      try {
        for (let attempt = 1;; attempt++) {
          const outcome = await postOnce(fetch, request, timeoutMs);
          if (outcome.ok) return true;
          const wait = outcome.retryAfterMs;
          if (attempt === 1 && wait !== undefined && wait <= MAX_RETRY_AFTER_MS) {
            log.info("slack rate limited; retrying once", { target: where, wait_ms: wait });
            await sleep(wait);
            continue;
          }
          log.warn("slack notification not delivered", { target: where, error: scrub(outcome.detail), attempts: attempt });
          return false;
        }
      } catch (err) {
        // Only reachable through a throwing logger or sleep: still never throw to the caller.
        try {
          log.warn("slack notification not delivered", { target: where, error: scrub(describeError(err)) });
        } catch {
          // nothing left to report to
        }
        return false;
      }
    },
  };
}

interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Web API (200 with `{ok:false}` on failure) rather than an incoming webhook. */
  api: boolean;
}

async function postOnce(fetch: typeof globalThis.fetch, req: PostRequest, timeoutMs: number): Promise<Outcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  try {
    const res = await fetch(req.url, {
      method: "POST",
      // Slack's Web API warns (`missing_charset`) when JSON comes without a charset.
      headers: { "content-type": "application/json; charset=utf-8", ...req.headers },
      body: JSON.stringify(req.body),
      signal: controller.signal,
      // A redirect would be unexpected from Slack; never replay a token to wherever it points.
      redirect: "error",
    });
    const text = await res.text();
    if (res.status === 429) {
      const retryAfter = res.headers.get("retry-after");
      return { ok: false, detail: `rate limited (HTTP 429, Retry-After ${retryAfter ?? "absent"})`, retryAfterMs: retryAfterMs(retryAfter) };
    }
    if (!res.ok) return { ok: false, detail: `HTTP ${res.status}: ${truncatePlain(text.trim(), 200)}` };
    if (!req.api) return { ok: true };
    let data: { ok?: unknown; error?: unknown };
    try {
      data = JSON.parse(text);
    } catch {
      return { ok: false, detail: `unexpected non-JSON response: ${truncatePlain(text.trim(), 200)}` };
    }
    if (data?.ok === true) return { ok: true };
    return { ok: false, detail: `Slack API error: ${typeof data?.error === "string" ? data.error : "unknown (ok is not true)"}` };
  } catch (err) {
    if (controller.signal.aborted) return { ok: false, detail: `timed out after ${timeoutMs} ms` };
    return { ok: false, detail: describeError(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Retry-After in delta-seconds (what Slack sends); an HTTP date or garbage gets the default. */
function retryAfterMs(header: string | null): number {
  if (header !== null && /^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  return DEFAULT_RETRY_AFTER_MS;
}

/** `fetch failed: connect ECONNREFUSED 127.0.0.1:4000` (Node keeps the useful part in `cause`). */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { message?: string; code?: string } | undefined;
  const extra = cause ? cause.message || cause.code || "" : "";
  return extra && !err.message.includes(extra) ? `${err.message}: ${extra}` : err.message;
}

/** The whole URL, its path and its last segment (the webhook's secret part) are all secrets. */
function webhookSecrets(url: string): string[] {
  const out = [url];
  try {
    const path = new URL(url).pathname;
    out.push(path);
    const last = path.split("/").pop();
    if (last && last.length >= 8) out.push(last);
  } catch {
    // not a URL: the raw string is already in the list
  }
  return out;
}
