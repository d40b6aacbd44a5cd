import { serve } from "@hono/node-server";
import type { Server } from "node:http";
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
  onShutdownSignal(handler) {
    let fired = false;
    const once = (signal: string) => {
      if (fired) return;
      fired = true;
      handler(signal);
    };
    process.on("SIGTERM", () => once("SIGTERM"));
    process.on("SIGINT", () => once("SIGINT"));
  },
};
