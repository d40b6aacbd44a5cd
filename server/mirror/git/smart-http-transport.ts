// HTTP for the smart protocol: basic auth built per request, no redirects, and errors that say
// what to do without ever carrying the credentials (they are never put into URLs either).
import { Buffer } from "node:buffer";
import { AuthError, BridgeError, RemoteError, TimeoutError, UnsafeInputError } from "../../errors.ts";
import { pinnedFetch } from "./pinned-fetch.ts";
import type { Remote } from "./types.ts";

export type FetchFn = typeof globalThis.fetch;

export interface HttpReply {
  body: Uint8Array;
  contentType: string;
}

export interface HttpCall {
  method: "GET" | "POST";
  /** Appended to the remote URL: `/info/refs?service=…` or `/git-upload-pack`. */
  path: string;
  body?: Uint8Array<ArrayBuffer>;
  contentType?: string;
  accept: string;
  signal?: AbortSignal;
}

const USER_AGENT = "git/2.0 (git-bridge isomorphic)";

/** The remote URL with any user info and query removed, for messages and logs. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "<invalid URL>";
  }
}

/** Checks the remote URL once per call: http(s) only, credentials only through `remote.auth`. */
export function baseUrl(remote: Remote): string {
  let u: URL;
  try {
    u = new URL(remote.url);
  } catch {
    throw new UnsafeInputError("remote URL is not a valid URL: use https://host/owner/repo.git");
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") {
    throw new UnsafeInputError(`remote URL scheme ${u.protocol} is not supported: use https://`, {
      url: displayUrl(remote.url),
    });
  }
  if (u.username || u.password) {
    throw new UnsafeInputError(
      `remote URL ${displayUrl(remote.url)} contains credentials: pass them as remote.auth instead`,
    );
  }
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
}

/** Removes every form of the password (plain, URL-encoded, inside a basic auth token) from text. */
export function redact(text: string, remote: Remote): string {
  const a = remote.auth;
  if (!a || !a.password) return text;
  const forms = [a.password, encodeURIComponent(a.password), basicToken(remote) ?? ""];
  let out = text;
  for (const f of forms) if (f) out = out.split(f).join("***");
  return out;
}

function basicToken(remote: Remote): string | undefined {
  const a = remote.auth;
  if (!a) return undefined;
  return Buffer.from(`${a.username}:${a.password}`, "utf8").toString("base64");
}

/** One HTTP exchange; the whole response body is read (packs are indexed from memory anyway). */
export async function httpCall(fetchFn: FetchFn, remote: Remote, call: HttpCall): Promise<HttpReply> {
  const base = baseUrl(remote);
  const shown = displayUrl(remote.url);
  const headers: Record<string, string> = { "User-Agent": USER_AGENT, Accept: call.accept };
  const token = basicToken(remote);
  if (token) headers.Authorization = `Basic ${token}`;
  if (call.contentType) headers["Content-Type"] = call.contentType;
  checkAborted(call.signal);

  // A pinned remote is reached only at the addresses its policy check saw (pinned-fetch.ts).
  const transport = remote.pin ? pinnedFetch(remote.pin) : fetchFn;
  const send = () =>
    transport(base + call.path, { method: call.method, headers, body: call.body, redirect: "manual", signal: call.signal });
  let res: Response;
  try {
    res = await send().catch((err) => {
      // A server closes idle keep-alive connections (Node's default is after 5 s, and computing a
      // large pack takes longer): the pooled socket is then reset before any reply. The request
      // never reached the server, so sending it once more on a fresh connection is safe.
      if (call.signal?.aborted || !/ECONNRESET|EPIPE|other side closed|socket hang up/i.test(errorChain(err))) throw err;
      return send();
    });
  } catch (err) {
    throw networkError(err, remote, shown, call.signal);
  }

  if (res.type === "opaqueredirect" || (res.status >= 300 && res.status < 400)) {
    const location = res.headers.get("location");
    await res.body?.cancel().catch(() => {});
    let host = "an unknown location";
    try {
      if (location) host = new URL(location, base).host;
    } catch { /* keep the generic wording */ }
    throw new RemoteError(
      `${shown} redirected to ${host}; redirects are not followed: set the remote URL to the final location`,
      { url: shown, status: res.status, redirectHost: host },
    );
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel().catch(() => {});
    throw new AuthError(`authentication failed for ${shown}: check the provider's credentials`, {
      url: shown,
      status: res.status,
    });
  }
  if (res.status === 404) {
    // Like the native engine: hosts answer 404 for private repositories the credentials cannot see.
    await res.body?.cancel().catch(() => {});
    throw new AuthError(`repository not found at ${shown}: check the path and that the credentials can see it`, {
      url: shown,
      status: 404,
    });
  }
  if (res.status < 200 || res.status >= 300) {
    const text = redact((await res.text().catch(() => "")).slice(0, 200).trim(), remote);
    throw new RemoteError(`${shown} answered HTTP ${res.status}${text ? `: ${text}` : ""}`, {
      url: shown,
      status: res.status,
    });
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    throw networkError(err, remote, shown, call.signal);
  }
  return { body, contentType: res.headers.get("content-type") ?? "" };
}

/** Throws when the caller aborted: its reason if that is a BridgeError, else a TimeoutError. */
export function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof BridgeError) return reason;
  const why = reason instanceof Error ? reason.message : String(reason ?? "aborted");
  return new TimeoutError(`git transfer was stopped: ${why}`);
}

function networkError(err: unknown, remote: Remote, shown: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return abortError(signal);
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  const detail = [e?.message, e?.cause?.code ?? e?.cause?.message].filter(Boolean).join(": ");
  return new RemoteError(redact(`could not reach ${shown}: ${detail || "network error"}`, remote), { url: shown });
}

const errorChain = (err: unknown): string => {
  const parts: string[] = [];
  for (let e = err as { message?: string; code?: string; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    parts.push(`${e.code ?? ""} ${e.message ?? ""}`);
  }
  return parts.join(" ");
};
