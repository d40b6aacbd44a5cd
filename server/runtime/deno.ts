import type { Runtime } from "./types.ts";

// deno-lint-ignore no-explicit-any
const Deno = (globalThis as any).Deno;

export const denoRuntime: Runtime = {
  name: "deno",
  serve(fetch, { port, hostname }) {
    return new Promise((resolve) => {
      const server = Deno.serve({ port, hostname, onListen: () => {} }, fetch);
      resolve({ port: server.addr.port, close: () => server.shutdown() });
    });
  },
  onShutdownSignal(handler) {
    let fired = false;
    for (const signal of ["SIGTERM", "SIGINT"]) {
      Deno.addSignalListener(signal, () => {
        if (fired) return;
        fired = true;
        handler(signal);
      });
    }
  },
};
