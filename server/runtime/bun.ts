import { onProcessSignals } from "./process-signals.ts";
import type { Runtime } from "./types.ts";

// deno-lint-ignore no-explicit-any
const Bun = (globalThis as any).Bun;

export const bunRuntime: Runtime = {
  name: "bun",
  serve(fetch, { port, hostname }) {
    // Bun's own body cap is above ours; the app enforces 25 MB (413) itself.
    const server = Bun.serve({ port, hostname, fetch, maxRequestBodySize: 64 * 1024 * 1024 });
    return Promise.resolve({ port: server.port, close: async () => server.stop() });
  },
  onShutdownSignal: onProcessSignals,
};
