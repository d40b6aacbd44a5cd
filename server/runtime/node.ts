import { serve } from "@hono/node-server";
import { Buffer } from "node:buffer";
import type { IncomingMessage, Server } from "node:http";
import { onProcessSignals } from "./process-signals.ts";
import type { Runtime } from "./types.ts";

export const nodeRuntime: Runtime = {
  name: "node",
  serve(fetch, { port, hostname }) {
    return new Promise((resolve, reject) => {
      const server = serve({ fetch, port, hostname }, (info) => {
        resolve({
          port: info.port,
          close: () =>
            new Promise((done) => {
              server.close(() => done());
              (server as Server).closeIdleConnections?.();
            }),
        });
      }) as Server;
      server.once("error", reject);
    });
  },
  onShutdownSignal: onProcessSignals,
  readBody,
};

// @hono/node-server passes the IncomingMessage to the app as env.incoming. Its Request.arrayBuffer()
// copies the received Buffer into a new ArrayBuffer; reading the message here hands the Buffer
// over as it is (one chunk for a typical webhook). A few % of a webhook's cost (bench/webhook.bench.ts).
// An abort (the caller's deadline) stops collecting the body.
function readBody(env: unknown, signal?: AbortSignal): Promise<Uint8Array> | undefined {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== "function" || incoming.readableDidRead || incoming.readableEnded) return undefined;
  return new Promise((resolve, reject) => {
    // The caller answers (408, Connection: close) and Node then closes the connection; the rest
    // of a body still arriving is discarded, not buffered.
    const onAbort = () => settle(() => reject(new Error("deadline")));
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => void chunks.push(chunk);
    const onEnd = () => settle(() => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    const onError = (err: Error) => settle(() => reject(err));
    const onClose = () => {
      if (incoming.readableEnded) onEnd();
      else onError(new Error("the client closed the connection before the body arrived"));
    };
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      incoming.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    incoming.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
