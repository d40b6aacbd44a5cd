// The Bolt receiver behind `POST /slack/events`, mounted in the bridge's Hono app: slash commands,
// interactivity (block_actions, view_submission) and Events API callbacks all arrive on this one
// URL. It verifies Slack's signature over the raw bytes before parsing anything (a bad or stale
// signature is a 401, never a 500), answers url_verification itself, and hands the rest to
// Bolt's App.processEvent. Slack waits 3 s for the HTTP answer: the answer goes out when the
// handler calls ack(), and handlers ack before they do any slow work.
import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import type { Logger } from "../server/log.ts";
import { concatBytes } from "../server/mirror/git/pkt-line.ts";
import { verifySlackSignature } from "./verify.ts";

/** Slack's own payloads are a few KB; 1 MiB leaves room for big modals and refuses floods. */
export const MAX_SLACK_BODY = 1024 * 1024;
/** Past this, the handler forgot to ack: answer 200 empty rather than let Slack time out. */
const ACK_DEADLINE_MS = 2_800;

export interface HonoReceiverOptions {
  signingSecret: string;
  log: Logger;
  now: () => number;
}

export class HonoReceiver implements Receiver {
  private app?: App;
  private readonly opts: HonoReceiverOptions;
  constructor(opts: HonoReceiverOptions) {
    this.opts = opts;
  }

  init(app: App): void {
    this.app = app;
  }
  // The HTTP listener belongs to the bridge; nothing to open or close here.
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }

  async handle(req: Request): Promise<Response> {
    const body = await readBounded(req, MAX_SLACK_BODY);
    if (body === undefined) return text(413, `request body over ${MAX_SLACK_BODY} bytes`);
    const verdict = verifySlackSignature(
      this.opts.signingSecret,
      { signature: req.headers.get("x-slack-signature"), timestamp: req.headers.get("x-slack-request-timestamp") },
      body,
      this.opts.now(),
    );
    if (!verdict.ok) {
      this.opts.log.warn("slack: request refused", { reason: verdict.reason });
      return text(401, `unauthorized: ${verdict.reason}`);
    }
    const parsed = parseBody(new TextDecoder().decode(body), req.headers.get("content-type") ?? "");
    if (!parsed) return text(400, "body is neither a form nor JSON Slack sends");
    if (parsed.type === "url_verification" && typeof parsed.challenge === "string") {
      return Response.json({ challenge: parsed.challenge });
    }
    if (!this.app) return text(503, "the Slack app is not ready");

    let answer!: (r: Response) => void;
    const answered = new Promise<Response>((resolve) => (answer = resolve));
    let acked = false;
    const retry = req.headers.get("x-slack-retry-num");
    const event: ReceiverEvent = {
      body: parsed,
      ...(retry !== null && /^\d+$/.test(retry) ? { retryNum: Number(retry) } : {}),
      ...(req.headers.get("x-slack-retry-reason") ? { retryReason: req.headers.get("x-slack-retry-reason")! } : {}),
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        answer(ackResponse(response));
      },
    };
    const timer = setTimeout(() => answer(new Response(null, { status: 200 })), ACK_DEADLINE_MS);
    this.app.processEvent(event).catch((err) => {
      this.opts.log.error("slack: handler failed", { error: String(err) });
      if (!acked) answer(new Response(null, { status: 200 }));
    });
    try {
      return await answered;
    } finally {
      clearTimeout(timer);
    }
  }
}

function ackResponse(response: unknown): Response {
  if (response === undefined || response === "") return new Response(null, { status: 200 });
  if (typeof response === "string") return new Response(response, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
  return Response.json(response);
}

const text = (status: number, message: string) => new Response(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

/** Slash commands and interactivity are forms (interactivity in a `payload` field); events are JSON. */
export function parseBody(raw: string, contentType: string): Record<string, unknown> | undefined {
  try {
    if (contentType.includes("application/json")) {
      const v = JSON.parse(raw);
      return typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    if (typeof form.payload === "string") {
      const v = JSON.parse(form.payload);
      return typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
    }
    return form;
  } catch {
    return undefined;
  }
}

/** The body, or undefined past `max` bytes (declared or streamed: chunked bodies are counted too). */
async function readBounded(req: Request, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > max) return undefined;
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    parts.push(value);
  }
  return concatBytes(parts);
}
