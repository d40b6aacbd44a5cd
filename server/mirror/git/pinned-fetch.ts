// A fetch for the isomorphic engine that connects only to the addresses the remote policy checked
// (Remote.pin): node:http(s) with a `lookup` that answers from the pin, so no second DNS query
// happens and TLS still verifies the certificate against the URL's host name. Node, Deno and Bun
// all honour `lookup` (checked on each). No redirects are followed (none are by node:http), and
// every connection is new (agent: false), so no socket opened for another address is reused.
import { Buffer } from "node:buffer";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { FetchFn } from "./smart-http-transport.ts";
import type { PinnedAddress } from "./types.ts";

export function pinnedLookup(pin: PinnedAddress): LookupFunction {
  const entries = pin.addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  const want = pin.host.replace(/^\[|\]$/g, "").toLowerCase();
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (hostname.toLowerCase() !== want) {
      const err = Object.assign(new Error(`${hostname} is not the pinned host ${want}`), { code: "ENOTFOUND" });
      return callback(err, options?.all ? [] : "", 0);
    }
    if (options?.all) return callback(null, entries);
    callback(null, entries[0].address, entries[0].family);
  }) as unknown as LookupFunction;
}

export function pinnedFetch(pin: PinnedAddress): FetchFn {
  const lookup = pinnedLookup(pin);
  return ((input: string | URL | Request, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
      if (url.hostname.replace(/^\[|\]$/g, "").toLowerCase() !== pin.host.replace(/^\[|\]$/g, "").toLowerCase()) {
        return reject(new TypeError(`pinned fetch for ${pin.host} cannot reach ${url.host}`));
      }
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => (headers[k] = v));
      const body = init.body as Uint8Array | undefined;
      if (body) headers["content-length"] = String(body.byteLength);
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const req = send(url, {
        method: init.method ?? "GET",
        headers,
        lookup,
        agent: false,
        signal,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (b: Buffer) => chunks.push(b));
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 502;
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : v);
          }
          const nullBody = status === 204 || status === 205 || status === 304;
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers: out }));
        });
      });
      req.on("error", reject);
      req.end(body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined);
    })) as FetchFn;
}
