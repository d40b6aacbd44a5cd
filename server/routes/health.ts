// GET /health (liveness) and GET /ready (readiness), with the documented JSON bodies.
import { Hono } from "hono";
import type { AppDeps } from "../app.ts";

export function healthRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/health", (c) => c.json({ status: "ok", service: "git-bridge" }));
  app.get("/ready", async (c) => {
    const check = await deps.ready();
    // A degraded service (say, an SQS consumer that cannot reach its queue) is detail, not a 503:
    // the bridge still takes webhooks and journals them.
    if (check.ok) {
      const detail = check.services && Object.keys(check.services).length ? { services: check.services } : {};
      return c.json({ status: "ok", service: "git-bridge", ...detail });
    }
    return c.json({ status: "unavailable", service: "git-bridge", reason: check.reason }, 503);
  });
  return app;
}
