// GET /health (liveness) and GET /ready (readiness), with the documented JSON bodies.
import { Hono } from "hono";
import type { AppDeps } from "../app.ts";

export function healthRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/health", (c) => c.json({ status: "ok", service: "git-bridge" }));
  app.get("/ready", async (c) => {
    const check = await deps.ready();
    if (check.ok) return c.json({ status: "ok", service: "git-bridge" });
    return c.json({ status: "unavailable", service: "git-bridge", reason: check.reason }, 503);
  });
  return app;
}
