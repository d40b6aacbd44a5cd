// One sync of one repo: lock, read both sides, plan, one push per receiving side, record the
// ledger. The only IO shell around plan.ts; every trigger (CLI, webhook, queue, hook) ends here.
import type { Config, Direction, RepoConfig, Side } from "../config/types.ts";
import { findRepo } from "../config/find-repo.ts";
import { syncDirection } from "../config/direction.ts";
import { TimeoutError, UsageError } from "../errors.ts";
import type { GitEngine, LocalRefUpdate, PushRefResult, RefMap, Remote } from "./git/types.ts";
import { withRepoLock } from "./lock.ts";
import { ancestryQuestions, type PlannedRef, planRefs, type RefResult } from "./plan.ts";
import { assertRefName } from "./refname.ts";
import type { ResolveHost } from "./remote-policy.ts";
import { cacheDir, fromNs, inNs, LEDGER, NS } from "./cache-layout.ts";
import { fetchPatterns, pinFor, scopeReason } from "./ref-scope.ts";
import { remoteFor } from "./remotes.ts";

export interface SyncDeps {
  git: GitEngine;
  resolveHost: ResolveHost;
  now?: () => Date;
}

export interface SyncOptions {
  repo: string;
  /** auto (or absent): the repo's own direction, both ways for bidirectional repos. */
  direction?: Direction | "auto";
  ref?: string;
  /** Several refs in one sync (a post-receive hook's updates); combined with `ref` if both given. */
  refs?: string[];
  /** An outer cancel (server shutdown); the timeout from mirror.timeout_seconds applies anyway. */
  signal?: AbortSignal;
  /** Refs to overwrite if diverged, as `on_divergence: force` would (an approver's Slack click). */
  force?: string[];
}

export interface SyncResult {
  repo: string;
  direction: Direction | "bidirectional";
  duration_ms: number;
  refs: RefResult[];
}


export async function syncRepo(deps: SyncDeps, config: Config, opts: SyncOptions): Promise<SyncResult> {
  const started = Date.now();
  const repo = findRepo(config, opts.repo);
  const refs = opts.ref !== undefined || opts.refs ? [...new Set([...(opts.refs ?? []), ...(opts.ref ? [opts.ref] : [])])] : undefined;
  refs?.forEach(assertRefName);
  const resolved = syncDirection(repo, opts.direction);
  if ("error" in resolved) throw new UsageError(resolved.error);
  const only = resolved.direction;
  const remotes = {
    source: await remoteFor(config, repo.source, repo.sourcePath, deps.resolveHost),
    target: await remoteFor(config, repo.target, repo.targetPath, deps.resolveHost),
  };
  const timeoutMs = config.mirror.timeoutSeconds * 1000;

  const results = await withRepoLock(config.workDir, repo.name, timeoutMs, async (lockLost) => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new TimeoutError(`sync of ${repo.name} passed mirror.timeout_seconds (${config.mirror.timeoutSeconds}s) and was stopped`)),
      timeoutMs,
    );
    const onOuterAbort = () => controller.abort(opts.signal?.reason);
    const onLockLost = () => controller.abort(lockLost.reason);
    opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
    lockLost.addEventListener("abort", onLockLost, { once: true });
    try {
      return await runLocked(deps, config, repo, remotes, only, refs, controller.signal, opts.force);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onOuterAbort);
      lockLost.removeEventListener("abort", onLockLost);
    }
  });
  return {
    repo: repo.name,
    direction: only ?? repo.direction,
    duration_ms: Date.now() - started,
    refs: results,
  };
}

async function runLocked(
  deps: SyncDeps,
  config: Config,
  repo: RepoConfig,
  remotes: Record<Side, Remote>,
  only: Direction | undefined,
  refs: string[] | undefined,
  signal: AbortSignal,
  force?: string[],
): Promise<RefResult[]> {
  const git = deps.git;
  const cache = cacheDir(config, repo);
  await git.ensureCache(cache);
  const patterns = fetchPatterns(repo.refsInclude, refs);

  // Fetch the objects of every side that may send; a side that only receives needs just its
  // ref advertisement. Both run at once.
  const flows = only ?? (repo.direction === "bidirectional" ? undefined : repo.direction);
  const sends = (side: Side) => !flows || (side === "source") === (flows === "source-to-target");
  const read = async (side: Side): Promise<RefMap> => {
    if (sends(side)) {
      await git.fetch(cache, remotes[side], { patterns, namespace: NS[side], prune: !refs }, { signal });
      const all = fromNs(NS[side], await git.readRefs(cache, NS[side]));
      return refs ? new Map([...all].filter(([r]) => refs.includes(r))) : all;
    }
    return git.listRemote(remotes[side], patterns, { signal });
  };
  const [source, target, ledgerRefs] = await Promise.all([read("source"), read("target"), git.readRefs(cache, LEDGER)]);
  const ledger = fromNs(LEDGER, ledgerRefs);

  const questions = ancestryQuestions(source, target, ledger);
  const answers = await git.ancestry(cache, questions);
  const known = new Map(questions.map(([a, b], i) => [`${a}..${b}`, answers[i]]));

  const planned = planRefs({
    source,
    target,
    ledger,
    direction: repo.direction,
    only,
    refs,
    scope: (r) => scopeReason(repo, r),
    pin: (r) => pinFor(repo, r),
    prune: repo.prune,
    onDivergence: repo.onDivergence,
    ...(force?.length ? { forceRefs: force } : {}),
    ancestry: (a, b) => (a === b ? true : known.get(`${a}..${b}`)),
  });

  const stamp = (deps.now?.() ?? new Date()).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  await keepBackups(git, cache, planned, remotes, sends, stamp, signal);

  const results = new Map<PlannedRef, PushRefResult>();
  await Promise.all((["source", "target"] as const).map(async (side) => {
    const batch = planned.filter((p) => p.push?.side === side);
    if (batch.length === 0) return;
    const out = await git.push(cache, remotes[side], batch.map((p) => p.push!), { signal });
    batch.forEach((p, i) => results.set(p, out[i]));
  }));

  const ledgerUpdates: LocalRefUpdate[] = [];
  const report: RefResult[] = [];
  for (const p of planned) {
    const pushed = results.get(p);
    if (pushed && !pushed.ok) {
      report.push({ ref: p.ref, action: "rejected", from: p.from, to: p.to, direction: p.direction, reason: pushed.reason });
      continue;
    }
    if (p.ledger !== undefined) ledgerUpdates.push({ ref: inNs(LEDGER, p.ref), oid: p.ledger });
    if (!p.silent) report.push(publicPart(p));
  }
  await Promise.all([git.updateRefs(cache, ledgerUpdates), addAuthors(git, cache, report)]);
  return report;
}

/** Old tips about to be overwritten or deleted are kept as refs/bridge/backup/<time>/<side>/… */
async function keepBackups(
  git: GitEngine,
  cache: string,
  planned: PlannedRef[],
  remotes: Record<Side, Remote>,
  sends: (side: Side) => boolean,
  stamp: string,
  signal: AbortSignal,
): Promise<void> {
  const local: LocalRefUpdate[] = [];
  for (const side of ["source", "target"] as const) {
    const keeps = planned.filter((p) => p.keep?.side === side);
    if (keeps.length === 0) continue;
    const ns = `refs/bridge/backup/${stamp}/${side}`;
    for (const p of keeps) p.backup = inNs(ns, p.ref);
    if (sends(side)) {
      local.push(...keeps.map((p) => ({ ref: p.backup!, oid: p.keep!.oid })));
    } else {
      // The receiving side's objects are not in the cache yet (e.g. a forced divergence): fetch them.
      await git.fetch(cache, remotes[side], { patterns: keeps.map((p) => p.ref), namespace: ns, prune: false }, { signal });
    }
  }
  await git.updateRefs(cache, local);
}

/** Commit authors of new tips, for notifications (the first few refs are all a message shows). */
async function addAuthors(git: GitEngine, cache: string, report: RefResult[]): Promise<void> {
  const changed = report.filter((r) => (r.action === "created" || r.action === "updated") && r.to).slice(0, 20);
  if (changed.length === 0) return;
  const authors = await git.commitAuthors(cache, [...new Set(changed.map((r) => r.to!))]).catch(() => new Map());
  for (const r of changed) {
    const a = authors.get(r.to!);
    if (a) r.author = a;
  }
}

function publicPart(p: PlannedRef): RefResult {
  const { ref, action, from, to, direction, reason, backup } = p;
  return { ref, action, from, to, ...(direction ? { direction } : {}), ...(reason ? { reason } : {}), ...(backup ? { backup } : {}) };
}
