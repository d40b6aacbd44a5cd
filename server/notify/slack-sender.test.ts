// The sender against a real local HTTP server standing in for Slack (incoming webhook and
// chat.postMessage), with canary secrets that must never reach a log line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log.ts";
import type { SlackMessage } from "./message.ts";
import { createSlackNotifier, type SlackNotifierDeps } from "./slack-sender.ts";

const HOOK_SECRET = "CanaryHookSecret7f3a9c1e2b4d";
const HOOK_PATH = `/services/T0CANARY/B0CANARY/${HOOK_SECRET}`;
const TOKEN = "xoxb-canary-51e8b0a4c7d2e963";
const MESSAGE: SlackMessage = {
  text: "✅ Mirror sync succeeded: app",
  blocks: [{ type: "section", text: { type: "mrkdwn", text: "*Changes* (1 created)" } }],
};

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A local stand-in for Slack; `handler` answers each request (n counts from 1). */
async function fakeSlack(handler: Handler) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { base, seen, close };
}

function capture() {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => lines.push(JSON.stringify({ level, msg, ...fields }));
  const log: Logger = { info: rec("info"), warn: rec("warn"), error: rec("error") };
  return { log, lines };
}

function notifier(base: string, over: Partial<SlackNotifierDeps> = {}) {
  const { log, lines } = capture();
  const sleeps: number[] = [];
  const n = createSlackNotifier({
    fetch,
    log,
    redact: (s) => s, // the sender must scrub its own secrets even with a no-op redactor
    slackApiUrl: `${base}/api/`,
    timeoutMs: 1000,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...over,
  });
  return { n, lines, sleeps };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
const noSecrets = (lines: string[]) => {
  const all = lines.join("\n");
  for (const s of [HOOK_SECRET, HOOK_PATH, TOKEN, "CANARY"]) assert.ok(!all.includes(s), `log leaks ${s}: ${all}`);
};

test("incoming webhook: JSON body with text and blocks", async () => {
  const slack = await fakeSlack((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
  try {
    const { n, lines } = notifier(slack.base);
    assert.equal(await n.send({ webhookUrl: slack.base + HOOK_PATH }, MESSAGE), true);
    assert.equal(slack.seen.length, 1);
    const [req] = slack.seen;
    assert.equal(req.method, "POST");
    assert.equal(req.url, HOOK_PATH);
    assert.equal(req.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(req.headers.authorization, undefined);
    assert.deepEqual(JSON.parse(req.body), { ...MESSAGE, unfurl_links: false, unfurl_media: false });
    assert.deepEqual(lines, []);
  } finally {
    await slack.close();
  }
});

test("chat.postMessage: bearer token, channel, text and blocks", async () => {
  const slack = await fakeSlack((_req, res) => json(res, 200, { ok: true, channel: "C1", ts: "1.2" }));
  try {
    const { n } = notifier(slack.base);
    assert.equal(await n.send({ botToken: TOKEN, channel: "#ops" }, MESSAGE), true);
    const [req] = slack.seen;
    assert.equal(req.url, "/api/chat.postMessage");
    assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(req.headers["content-type"], "application/json; charset=utf-8");
    assert.deepEqual(JSON.parse(req.body), { channel: "#ops", ...MESSAGE, unfurl_links: false, unfurl_media: false });
  } finally {
    await slack.close();
  }
});

test("chat.postMessage answering 200 {ok:false} is a failure, logged without the token", async () => {
  const slack = await fakeSlack((_req, res) => json(res, 200, { ok: false, error: "channel_not_found" }));
  try {
    const { n, lines } = notifier(slack.base);
    assert.equal(await n.send({ botToken: TOKEN, channel: "#nope" }, MESSAGE), false);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /"level":"warn".*chat\.postMessage to channel #nope.*Slack API error: channel_not_found/);
    noSecrets(lines);
  } finally {
    await slack.close();
  }
});

test("webhook answering 500 (echoing its URL) is a failure, logged without the URL", async () => {
  const slack = await fakeSlack((req, res) => res.writeHead(500).end(`internal error at ${req.url}`));
  try {
    const { n, lines } = notifier(slack.base);
    assert.equal(await n.send({ webhookUrl: slack.base + HOOK_PATH }, MESSAGE), false);
    assert.equal(slack.seen.length, 1, "a 500 is not retried");
    assert.match(lines[0], /incoming webhook.*HTTP 500: internal error at \*\*\*/);
    noSecrets(lines);
  } finally {
    await slack.close();
  }
});

test("connection refused (server closed) resolves false", async () => {
  const slack = await fakeSlack((_req, res) => res.end("ok"));
  await slack.close();
  const { n, lines } = notifier(slack.base);
  assert.equal(await n.send({ webhookUrl: slack.base + HOOK_PATH }, MESSAGE), false);
  assert.equal(await n.send({ botToken: TOKEN, channel: "#ops" }, MESSAGE), false);
  assert.equal(lines.length, 2);
  assert.match(lines[0], /ECONNREFUSED|refused|fetch failed/i);
  noSecrets(lines);
});

test("a slow server times out and resolves false", async () => {
  const slack = await fakeSlack(() => {/* never answers */});
  try {
    const { n, lines } = notifier(slack.base, { timeoutMs: 150 });
    // The server never answers: an answer at all means the timeout fired, and the line says which.
    assert.equal(await n.send({ webhookUrl: slack.base + HOOK_PATH }, MESSAGE), false);
    assert.match(lines[0], /timed out after 150 ms/);
    noSecrets(lines);
  } finally {
    await slack.close();
  }
});

test("headers sent but body stalls: still a timeout, not a hang", async () => {
  const slack = await fakeSlack((_req, res) => res.writeHead(200, { "content-type": "application/json" }).write("{"));
  try {
    const { n, lines } = notifier(slack.base, { timeoutMs: 150 });
    assert.equal(await n.send({ botToken: TOKEN, channel: "#ops" }, MESSAGE), false);
    assert.match(lines[0], /timed out after 150 ms/);
  } finally {
    await slack.close();
  }
});

test("429 with Retry-After ≤ 5 s: waits and retries once", async () => {
  const slack = await fakeSlack((_req, res, i) =>
    i === 1 ? json(res, 429, { ok: false, error: "ratelimited" }, { "retry-after": "2" }) : json(res, 200, { ok: true })
  );
  try {
    const { n, sleeps } = notifier(slack.base);
    assert.equal(await n.send({ botToken: TOKEN, channel: "#ops" }, MESSAGE), true);
    assert.equal(slack.seen.length, 2);
    assert.deepEqual(sleeps, [2000]);
  } finally {
    await slack.close();
  }
});

test("429 twice, or with Retry-After > 5 s: gives up", async () => {
  const slack = await fakeSlack((_req, res, i) => res.writeHead(429, { "retry-after": i <= 2 ? "1" : "30" }).end("rate limited"));
  try {
    const { n, sleeps, lines } = notifier(slack.base);
    assert.equal(await n.send({ webhookUrl: slack.base + HOOK_PATH }, MESSAGE), false);
    assert.equal(slack.seen.length, 2, "one retry only");
    assert.deepEqual(sleeps, [1000]);
    assert.equal(await n.send({ webhookUrl: slack.base + HOOK_PATH }, MESSAGE), false);
    assert.equal(slack.seen.length, 3, "Retry-After 30 is not waited for");
    assert.match(lines.at(-1)!, /Retry-After 30/);
    noSecrets(lines);
  } finally {
    await slack.close();
  }
});

test("a throwing fetch or logger never escapes send()", async () => {
  const secretUrl = `https://hooks.slack.example${HOOK_PATH}`;
  const { n, lines } = notifier("http://unused", {
    fetch: () => Promise.reject(new TypeError(`error sending request for url (${secretUrl}): dns error`)),
  });
  assert.equal(await n.send({ webhookUrl: secretUrl }, MESSAGE), false);
  assert.match(lines[0], /error sending request for url \(\*\*\*\): dns error/);
  noSecrets(lines);

  const broken = createSlackNotifier({
    fetch: () => Promise.resolve(new Response("nope", { status: 503 })),
    log: { info() {}, warn() { throw new Error("log sink down"); }, error() {} },
    redact: (s) => s,
  });
  assert.equal(await broken.send({ botToken: TOKEN, channel: "#ops" }, MESSAGE), false);
});
