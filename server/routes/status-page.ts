// GET / — the read-only status page: every repo with its state, last sync, last error (redacted)
// and lag, a filter by state made of plain links, and a meta refresh. Rendered on the server with
// hono's `html` helper (every interpolated value is escaped), no script, no build step.
import { Hono } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { REPO_STATES, type RepoState } from "../status/snapshot.ts";
import { parseStateFilter, type RepoView, type StatusSources, type StatusView, statusView } from "../status/view.ts";
import { statusAuth } from "./status-auth.ts";

const REFRESH_SECONDS = 30;
const LABEL: Record<RepoState, string> = { in_sync: "in sync", behind: "behind", ahead: "ahead", diverged: "diverged", unknown: "unknown" };

export function statusPageRoutes(deps: { token?: string; status: StatusSources }): Hono {
  const app = new Hono();
  app.get("/", statusAuth(deps.token, { browser: true }), (c) => {
    const filter = parseStateFilter(c.req.queries("state") ?? []);
    if ("error" in filter) return c.html(page(statusView(deps.status), [], filter.error), 400);
    return c.html(page(statusView(deps.status, filter.states), filter.states));
  });
  return app;
}

export function lagText(seconds: number | null): string {
  if (seconds === null) return "never confirmed";
  if (seconds < 60) return seconds === 0 ? "none" : `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}

function page(view: StatusView, states: RepoState[], problem?: string): HtmlEscapedString | Promise<HtmlEscapedString> {
  const total = Object.values(view.counts).reduce((a, b) => a + b, 0);
  const link = (s: RepoState | undefined, n: number) => {
    const current = s === undefined ? states.length === 0 : states.length === 1 && states[0] === s;
    const href = s === undefined ? "/" : `/?state=${s}`;
    return html`<a href="${href}" class="f${current ? " on" : ""}"${current ? html` aria-current="page"` : ""}>${s ? LABEL[s] : "all"} (${n})</a>`;
  };
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>git-bridge status</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;padding:12px;max-width:1100px;color:#1d1d1f}
h1{font-size:1.3em;margin:0 0 4px}
.meta{color:#555;font-size:.9em;margin:0 0 10px}
nav{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 12px}
.f{padding:4px 10px;border:1px solid #bbb;border-radius:14px;text-decoration:none;color:#1d1d1f}
.f.on{background:#1d1d1f;color:#fff;border-color:#1d1d1f}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e3e3;vertical-align:top}
.st{font-weight:600;white-space:nowrap}
.in_sync{color:#17743a}.behind,.ahead{color:#8a5a00}.diverged{color:#b3261e}.unknown{color:#555}
.err{color:#b3261e;font-family:ui-monospace,monospace;font-size:.85em;word-break:break-word}
.problem{background:#fdecea;border:1px solid #b3261e;padding:8px;margin:0 0 10px}
@media (max-width:640px){
  thead{display:none}
  table,tbody,tr,td{display:block;width:auto}
  tr{border:1px solid #e3e3e3;border-radius:8px;margin:0 0 10px;padding:6px}
  td{border:0;padding:2px 4px}
  td::before{content:attr(data-label) ": ";color:#555;font-weight:400}
}
</style>
</head>
<body>
<h1>git-bridge status</h1>
<p class="meta">${total} repos · queue: ${view.queue.queued} waiting, ${view.queue.running} running · updated ${when(view.generated_at)} · refreshes every ${REFRESH_SECONDS}s</p>
${problem ? html`<p class="problem" role="alert">${problem}</p>` : ""}
<nav aria-label="Filter by state">${link(undefined, total)}${REPO_STATES.map((s) => link(s, view.counts[s]))}</nav>
${view.repos.length === 0 ? html`<p>No repos in this state.</p>` : html`<table>
<thead><tr><th>Repo</th><th>State</th><th>Last sync</th><th>Lag</th><th>Last error</th></tr></thead>
<tbody>
${view.repos.map(row)}
</tbody>
</table>`}
</body>
</html>`;
}

/** A timestamp people read (UTC, to the second), with the exact value for machines. */
function when(iso: string | null) {
  if (!iso) return "running";
  return html`<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC</time>`;
}

function row(r: RepoView): HtmlEscapedString | Promise<HtmlEscapedString> {
  const job = r.last_job;
  const detail = [
    r.refs.behind.length ? `${r.refs.behind.length} behind` : "",
    r.refs.ahead.length ? `${r.refs.ahead.length} ahead` : "",
    r.refs.diverged.length ? `${r.refs.diverged.length} diverged` : "",
  ].filter(Boolean).join(", ");
  const error = r.check_error ?? job?.error ?? null;
  return html`<tr data-repo="${r.repo}" data-state="${r.state}">
<td data-label="Repo">${r.repo}</td>
<td data-label="State" class="st ${r.state}">${LABEL[r.state]}${detail ? html` <small>(${detail})</small>` : ""}</td>
<td data-label="Last sync">${job ? html`${job.state} · ${when(job.finished_at)} · ${job.source}` : "none since start"}</td>
<td data-label="Lag">${lagText(r.lag_seconds)}</td>
<td data-label="Last error">${error ? html`<span class="err">${error}</span>` : "—"}</td>
</tr>`;
}
