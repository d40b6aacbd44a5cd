// `git-bridge status`: compares both sides from their ref advertisements alone (no pack transfer),
// using the ledger and whatever objects the cache already has to tell behind from diverged.
import { join } from "node:path";
import { access } from "node:fs/promises";
import type { Config, RepoConfig } from "../config/types.ts";
import type { GitEngine, RefMap } from "./git/types.ts";
import type { ResolveHost } from "./remote-policy.ts";
import { cacheDir, fromNs, LEDGER } from "./cache-layout.ts";
import { fetchPatterns, scopeReason } from "./ref-scope.ts";
import { remoteFor } from "./remotes.ts";
import { ancestryQuestions } from "./plan.ts";

/** The target relative to the source. */
export type RefState = "in_sync" | "behind" | "ahead" | "diverged";

export interface RefStatus {
  ref: string;
  state: RefState;
  source: string | null;
  target: string | null;
}

export interface RepoStatus {
  repo: string;
  direction: string;
  state: RefState;
  refs: RefStatus[];
}

export function refState(S: string | null, T: string | null, L: string | null, anc: (a: string, b: string) => boolean | undefined): RefState {
  if (S === T) return "in_sync";
  if (T === null) return "behind";
  if (S === null) return "ahead";
  if (L !== null && T === L) return "behind";
  if (L !== null && S === L) return "ahead";
  if (anc(T, S) === true) return "behind";
  if (anc(S, T) === true) return "ahead";
  return "diverged";
}

export function repoState(refs: RefStatus[]): RefState {
  const states = new Set(refs.map((r) => r.state));
  if (states.has("diverged") || (states.has("ahead") && states.has("behind"))) return "diverged";
  if (states.has("behind")) return "behind";
  if (states.has("ahead")) return "ahead";
  return "in_sync";
}

export async function repoStatus(
  deps: { git: GitEngine; resolveHost: ResolveHost },
  config: Config,
  repo: RepoConfig,
): Promise<RepoStatus> {
  const patterns = fetchPatterns(repo.refsInclude);
  const list = async (provider: string, path: string): Promise<RefMap> =>
    deps.git.listRemote(await remoteFor(config, provider, path, deps.resolveHost), patterns);
  const [source, target] = await Promise.all([list(repo.source, repo.sourcePath), list(repo.target, repo.targetPath)]);

  // The ledger and objects come from the cache when one exists; status never creates or fills it.
  const cache = cacheDir(config, repo);
  const hasCache = await access(join(cache, "HEAD")).then(() => true, () => false);
  const ledger = hasCache ? fromNs(LEDGER, await deps.git.readRefs(cache, LEDGER)) : new Map<string, string>();
  const inScope = (ref: string) => scopeReason(repo, ref) === undefined;
  const names = [...new Set([...source.keys(), ...target.keys()])].filter(inScope).sort();
  const pairs = ancestryQuestions(source, target, ledger);
  const answers = hasCache ? await deps.git.ancestry(cache, pairs) : pairs.map(() => undefined);
  const known = new Map(pairs.map(([a, b], i) => [`${a}..${b}`, answers[i]]));
  const refs = names.map((ref) => {
    const S = source.get(ref) ?? null, T = target.get(ref) ?? null;
    return { ref, source: S, target: T, state: refState(S, T, ledger.get(ref) ?? null, (a, b) => known.get(`${a}..${b}`)) };
  });
  return { repo: repo.name, direction: repo.direction, state: repoState(refs), refs };
}
