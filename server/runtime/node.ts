import { serve } from "@hono/node-server";
import type { Server } from "node:http";
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
};
