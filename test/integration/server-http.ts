// HTTP helpers of the bridge-server tests: fetch with every body kept in the transcript, the retry
// API and GET /jobs (with polling to a final state), and a raw node:http POST for huge or chunked
// bodies.
import { type IncomingMessage, request as httpRequest } from "node:http";
import { CANARY, transcript } from "./server-hosts.ts";
import { pollUntil } from "./server-poll.ts";

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // deno-lint-ignore no-explicit-any
  json: any;
}

export async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  transcript.push(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const bearer = (token: string = CANARY.RETRY_TOKEN) => ({ authorization: `Bearer ${token}` });

export function retry(base: string, body: unknown, headers: Record<string, string> = bearer()): Promise<Reply> {
  return call(`${base}/retry/mirror`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export const getJob = (base: string, id: string, headers: Record<string, string> = bearer()) => call(`${base}/jobs/${id}`, { headers });

/** Polls GET /jobs/:id until the job reaches a final state; returns every state seen and the last view. */
export async function waitJob(base: string, id: string, timeoutMs = 10_000) {
  const seen: string[] = [];
  const r = await pollUntil(async () => {
    const j = await getJob(base, id);
    if (j.status !== 200) throw new Error(`GET /jobs/${id}: ${j.status} ${j.text}`);
    if (seen[seen.length - 1] !== j.json.state) seen.push(j.json.state);
    return ["succeeded", "partial", "failed"].includes(j.json.state) ? j.json : undefined;
  }, { timeoutMs, what: `job ${id} to finish` });
  return { job: r, states: seen };
}

/** POST with node:http, so the body can go chunked (no Content-Length) or be huge. */
export function rawPost(
  url: string,
  opts: { headers?: Record<string, string>; bytes: number; chunked: boolean },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
    if (!opts.chunked) headers["content-length"] = String(opts.bytes);
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: "POST", headers });
    let answered = false;
    req.on("response", (res: IncomingMessage) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (b: Buffer) => parts.push(b));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        transcript.push(text);
        resolve({ status: res.statusCode ?? 0, text });
      });
    });
    // The server may answer 413 and drop the connection while we still write: that is fine once
    // a response arrived.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace, if it were parsed
    let left = opts.bytes;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          req.once("drain", pump);
          return;
        }
      }
      req.end();
    };
    req.on("close", () => {
      left = 0;
    });
    pump();
  });
}
