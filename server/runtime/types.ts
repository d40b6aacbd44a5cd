// What the rest of the code needs from a runtime: an HTTP listener and shutdown signals.
export type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface Listener {
  port: number;
  /** Stops accepting connections; in-flight requests finish. */
  close(): Promise<void>;
}

export interface Runtime {
  name: "node" | "deno" | "bun";
  serve(fetch: FetchHandler, opts: { port: number; hostname: string }): Promise<Listener>;
  /** Calls `handler` once on SIGTERM or SIGINT. */
  onShutdownSignal(handler: (signal: string) => void): void;
  /**
   * The request body straight from the runtime's own request object (the `env` the adapter gave
   * the fetch handler), when that is cheaper than Request.arrayBuffer(); undefined otherwise. Only
   * for bodies whose Content-Length the caller has checked: it reads without a size limit. Aborting
   * `signal` stops the read and closes the connection.
   */
  readBody?(env: unknown, signal?: AbortSignal): Promise<Uint8Array> | undefined;
}
