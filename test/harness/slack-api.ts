// A local stand-in for Slack on 127.0.0.1, for the Slack app's tests: the Web API methods the
// bridge calls (auth.test, chat.postMessage, chat.update, views.open, apps.connections.open),
// every other path as a response_url, and a Socket Mode WebSocket endpoint (the URL
// apps.connections.open returns). Everything is recorded so tests assert on what a user would
// see. Also signs requests the way Slack does.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export interface ApiCall {
  method: string;
  /** The Authorization header (Bearer token) as received. */
  auth: string | undefined;
  /** Form fields and JSON bodies alike; `blocks` parsed from its JSON string. */
  args: Record<string, unknown>;
  /** What this server answered. */
  reply?: Record<string, unknown>;
}

export interface ResponsePost {
  path: string;
  body: Record<string, unknown>;
}

export interface SlackApi {
  url: string;
  /** Base for slack.api_url. */
  apiUrl: string;
  calls: ApiCall[];
  responses: ResponsePost[];
  /** Web API calls of one method. */
  of(method: string): ApiCall[];
  /** A response_url on this server. */
  responseUrl(name: string): string;
  /** Answer `{ok:false, error}` to `method` calls for `channel` from now on (e.g. not_in_channel). */
  fail(method: string, channel: string, error: string): void;
  /** Socket Mode: the connected client (after hello), and a way to send an envelope and get its ack. */
  socket(): Promise<{ send(type: string, payload: unknown): Promise<Record<string, unknown>> }>;
  close(): Promise<void>;
}

export const BOT = { user_id: "UBOTUSER1", bot_id: "BBOT0001", team_id: "T9TK3CUKW", team: "example" };

export async function startSlackApi(): Promise<SlackApi> {
  const calls: ApiCall[] = [];
  const responses: ResponsePost[] = [];
  let ts = 1700000000;
  let wsUrl = "";
  const failures = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (b: Buffer) => parts.push(b));
    req.on("end", () => {
      const raw = Buffer.concat(parts).toString("utf8");
      const body = parse(raw, req.headers["content-type"] ?? "");
      const path = req.url ?? "/";
      const reply = (data: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(data));
      };
      if (!path.startsWith("/api/")) {
        responses.push({ path, body });
        return reply({ ok: true });
      }
      const method = path.slice(5).split("?")[0];
      const call: ApiCall = { method, auth: req.headers.authorization, args: body };
      calls.push(call);
      const answer = (data: Record<string, unknown>) => {
        call.reply = data;
        reply(data);
      };
      const failure = failures.get(`${method} ${String(body.channel)}`);
      if (failure) return answer({ ok: false, error: failure });
      switch (method) {
        case "auth.test":
          return answer({ ok: true, url: "https://example.slack.com/", ...BOT, user: "git-bridge" });
        case "chat.postMessage":
          return answer({ ok: true, channel: body.channel, ts: `${ts++}.000100`, message: { text: body.text } });
        case "chat.update":
          return answer({ ok: true, channel: body.channel, ts: body.ts });
        case "views.open":
          return answer({ ok: true, view: { id: "V0001" } });
        case "apps.connections.open":
          return answer({ ok: true, url: wsUrl });
        default:
          return answer({ ok: false, error: "unknown_method" });
      }
    });
  });
  const wss = new WebSocketServer({ server });
  let connected: ((ws: WebSocket) => void) | undefined;
  let current: Promise<WebSocket> = new Promise((r) => (connected = r));
  const acks = new Map<string, (payload: Record<string, unknown>) => void>();
  wss.on("connection", (ws) => {
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
      if (msg.envelope_id) acks.get(msg.envelope_id)?.(msg.payload ?? {});
    });
    ws.send(JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "AABA1ABCD" } }));
    connected?.(ws);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  wsUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link`;
  let envelopes = 0;
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    responses,
    of: (method) => calls.filter((c) => c.method === method),
    responseUrl: (name) => `${url}/commands/${name}`,
    fail: (method, channel, error) => void failures.set(`${method} ${channel}`, error),
    async socket() {
      const ws = await current;
      return {
        send(type, payload) {
          const id = `env-${++envelopes}`;
          return new Promise((resolve) => {
            acks.set(id, resolve);
            ws.send(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: true }));
          });
        },
      };
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => r());
        server.closeAllConnections();
        current = new Promise((res) => (connected = res));
      }),
  };
}

function parse(raw: string, type: string): Record<string, unknown> {
  if (raw === "") return {};
  if (type.includes("json")) return JSON.parse(raw);
  const out: Record<string, unknown> = Object.fromEntries(new URLSearchParams(raw));
  for (const k of ["blocks", "attachments"]) {
    if (typeof out[k] === "string") out[k] = JSON.parse(out[k] as string);
  }
  return out;
}

/** Slack's v0 signature headers for `body` at `timestamp` (seconds). */
export function slackSignature(secret: string, body: string, timestamp: number): Record<string, string> {
  const sig = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "x-slack-signature": `v0=${sig}`, "x-slack-request-timestamp": String(timestamp) };
}
