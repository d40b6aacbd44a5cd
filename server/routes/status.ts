// GET /status (JSON for scripts, `?state=diverged,behind` filters) and GET /metrics (Prometheus
// text). Both read the one snapshot; neither talks to a git host.
import { Hono } from "hono";
import type { BridgeMetrics } from "../observe/metrics.ts";
import { parseStateFilter, type StatusSources, statusView } from "../status/view.ts";
import { statusAuth } from "./status-auth.ts";

export interface StatusRouteDeps {
  token?: string;
  status: StatusSources;
  metrics?: BridgeMetrics;
}

export function statusRoutes(deps: StatusRouteDeps): Hono {
  const app = new Hono();
  const auth = statusAuth(deps.token);
  app.get("/status", auth, (c) => {
    const filter = parseStateFilter(c.req.queries("state") ?? []);
    if ("error" in filter) return c.json({ error: filter.error }, 400);
    return c.json(statusView(deps.status, filter.states));
  });
  const metrics = deps.metrics;
  if (metrics) {
    app.get("/metrics", auth, async (c) => c.body(await metrics.render(), 200, { "Content-Type": metrics.contentType }));
  }
  return app;
}
