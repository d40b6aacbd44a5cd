// How the hook's worker delivers a spooled push: `push` mode runs the one engine (syncRepo) once
// per updated ref, `notify` mode sends one signed request to the bridge server, which queues the
// refs. Either way the result becomes the one line the pusher sees.
import { repoNamed } from "../server/config/find-repo.ts";
import { pushDirection } from "../server/config/direction.ts";
import type { Config, Direction, RepoConfig } from "../server/config/types.ts";
import { ConfigError, isTransient, UnsafeInputError, UsageError, AuthError, BusyError, TimeoutError } from "../server/errors.ts";
import { remoteUrl } from "../server/config/remote-url.ts";
import type { GitEngine } from "../server/mirror/git/types.ts";
import type { RefResult } from "../server/mirror/plan.ts";
import type { Redactor } from "../server/mirror/redact.ts";
import type { ResolveHost } from "../server/mirror/remote-policy.ts";
import { shortRef } from "../server/mirror/refname.ts";
import { syncRepo } from "../server/mirror/sync.ts";
import type { Logger } from "../server/log.ts";
import { type NotifyBody, signNotification } from "./protocol.ts";
import type { SpoolEntry, Submit, SubmitOutcome } from "./spool.ts";

export interface DeliverDeps {
  config: Config;
  git: GitEngine;
  resolveHost: ResolveHost;
  fetch: typeof fetch;
  redact: Redactor;
  log: Logger;
  now?: () => Date;
}

/**
 * A submit for drainSpool. One instance per drain: a ref synced for an older entry is not synced
 * again for a newer one (the sync mirrored the ref's current tip), and once a repo's remote is
 * unreachable the remaining entries for it wait for the next run instead of timing out one by one.
 */
export function hookSubmit(deps: DeliverDeps): Submit {
  const synced = new Map<string, RefResult[]>();
  const down = new Map<string, SubmitOutcome>();

  return async (entry, claim) => {
    if (entry.config !== deps.config.path) return { status: "skip" };
    const repo = repoNamed(deps.config, entry.repo);
    if (!repo) return { status: "failed", reason: `unknown repo ${JSON.stringify(entry.repo)}`, lines: [`git-bridge: not mirrored: repo ${JSON.stringify(entry.repo)} is not in the bridge's config`] };
    const resolved = pushDirection(repo, entry.side);
    if ("error" in resolved) return { status: "failed", reason: resolved.error, lines: [`git-bridge: not mirrored: ${resolved.error}`] };
    if (entry.mode === "notify") return notify(deps, entry);

    const key = `${repo.name}\0${resolved.direction}`;
    if (down.has(key)) return down.get(key)!;
    // One sync for every ref of the push that this drain has not mirrored yet (a ref synced for
    // an older entry already went across at its current tip).
    const fresh = [...new Set(entry.updates.map((u) => u.ref))].filter((ref) => !synced.has(`${key}\0${ref}`));
    if (fresh.length > 0) {
      await claim.touch();
      try {
        const { refs } = await syncRepo({ git: deps.git, resolveHost: deps.resolveHost, now: deps.now }, deps.config, {
          repo: repo.name,
          direction: resolved.direction,
          refs: fresh,
        });
        for (const ref of fresh) synced.set(`${key}\0${ref}`, refs.filter((r) => r.ref === ref));
      } catch (err) {
        const outcome = failure(deps, repo, resolved.direction, err);
        if (outcome.status === "retry") down.set(key, outcome);
        return outcome;
      }
    }
    const results = entry.updates.flatMap((u) => synced.get(`${key}\0${u.ref}`) ?? []);
    const to = resolved.direction === "source-to-target" ? repo.target : repo.source;
    return { status: "delivered", lines: [deps.redact(summaryLine(to, results))] };
  };
}

/** "git-bridge: mirrored to gitea: 3 refs" plus whatever did not go across, on one line. */
export function summaryLine(to: string, refs: RefResult[]): string {
  const ok = refs.filter((r) => ["created", "updated", "deleted", "unchanged"].includes(r.action));
  const problems = refs.filter((r) => r.action === "diverged" || r.action === "rejected");
  const filtered = refs.filter((r) => r.action === "filtered");
  const parts: string[] = [];
  if (ok.length > 0 || problems.length === 0) parts.push(`mirrored to ${to}: ${ok.length} ref${ok.length === 1 ? "" : "s"}`);
  if (problems.length > 0) {
    const shown = problems.slice(0, 3).map((r) => `${shortRef(r.ref)} ${r.action}${r.reason ? ` (${r.reason})` : ""}`);
    if (problems.length > 3) shown.push(`${problems.length - 3} more`);
    parts.push(`not mirrored to ${to}: ${shown.join(", ")}`);
  }
  if (filtered.length > 0) parts.push(`${filtered.length} ref${filtered.length === 1 ? "" : "s"} outside the repo's ref filters`);
  return `git-bridge: ${parts.join("; ")}`;
}

function failure(deps: DeliverDeps, repo: RepoConfig, direction: Direction, err: unknown): SubmitOutcome {
  const message = deps.redact(err instanceof Error ? err.message : String(err));
  // What retrying cannot fix: bad credentials, a refused URL or ref, a config problem.
  if (err instanceof AuthError || err instanceof UnsafeInputError || err instanceof ConfigError || err instanceof UsageError) {
    return { status: "failed", reason: message, lines: [`git-bridge: not mirrored: ${message}`] };
  }
  let why = "mirror failed";
  if (err instanceof BusyError) why = "another sync of this repo is running";
  else if (err instanceof TimeoutError) why = "mirroring timed out";
  else if (isTransient(err)) why = `${unreachableSide(deps.config, repo, direction, message)} unreachable`;
  return { status: "retry", reason: message, lines: [`git-bridge: queued: ${why} (will retry)`] };
}

/** Which end the engine could not reach, from the credential-free URL its error names. */
function unreachableSide(config: Config, repo: RepoConfig, direction: Direction, message: string): string {
  const receiving = direction === "source-to-target" ? "target" : "source";
  for (const side of [receiving, receiving === "target" ? "source" : "target"] as const) {
    const provider = config.providers.get(side === "source" ? repo.source : repo.target);
    try {
      if (provider && message.includes(remoteUrl(provider, side === "source" ? repo.sourcePath : repo.targetPath))) return side;
    } catch { /* an unusable URL fails the sync with its own message */ }
  }
  return "remote";
}

async function notify(deps: DeliverDeps, entry: SpoolEntry): Promise<SubmitOutcome> {
  const { secret, serverUrl } = deps.config.hooks;
  if (!secret || !serverUrl) {
    const reason = "notify mode needs hooks.secret and hooks.server_url in the config";
    return { status: "failed", reason, lines: [`git-bridge: not sent: ${reason}`] };
  }
  const body: NotifyBody = { repo: entry.repo, side: entry.side, updates: entry.updates, id: entry.id };
  const raw = new TextEncoder().encode(JSON.stringify(body));
  const now = deps.now?.() ?? new Date();
  const url = `${serverUrl.replace(/\/+$/, "")}/hooks/post-receive`;
  let res: Response;
  try {
    res = await deps.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...signNotification(secret, raw, now.getTime() / 1000) },
      body: raw,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    const reason = deps.redact(`bridge server ${serverUrl} unreachable: ${(err as Error).message ?? err}`);
    return { status: "retry", reason, lines: ["git-bridge: queued: bridge server unreachable (will retry)"] };
  }
  const text = await res.text().catch(() => "");
  let answer: { error?: string; job_ids?: string[] } = {};
  try {
    answer = JSON.parse(text);
  } catch { /* not JSON: the status says enough */ }
  if (res.ok) {
    const n = entry.updates.length;
    return { status: "delivered", lines: [`git-bridge: handed to the bridge server: ${n} ref${n === 1 ? "" : "s"} queued (${(answer.job_ids ?? []).join(", ") || "no job"})`] };
  }
  const reason = deps.redact(`bridge server answered ${res.status}${answer.error ? `: ${answer.error}` : ""}`).slice(0, 300);
  if (res.status >= 500 || res.status === 408 || res.status === 429) {
    return { status: "retry", reason, lines: [`git-bridge: queued: bridge server answered ${res.status} (will retry)`] };
  }
  return { status: "failed", reason, lines: [`git-bridge: not sent: ${reason}`] };
}
