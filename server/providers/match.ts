// Which configured repo a verified push delivery is about, and which way it should flow.
// Rules (from the API reference and the Go bridge):
// - a repo matches by path against target_path FIRST, then source_path;
// - only providers of the route's type count (the GitHub route never reaches a gitlab or git
//   provider), and when the delivery names its instance host, only providers at that host — so two
//   GitLab instances hosting the same path are never confused;
// - without a host, a path claimed on several providers of the type is ambiguous and is ignored
//   rather than guessed;
// - GitHub names are case-insensitive (GitHub redirects any casing), other paths compare exactly.
import { providerBaseUrl } from "../config/base-url.ts";
import { pushDirection } from "../config/direction.ts";
import { refOverrideFor } from "../config/ref-globs.ts";
import type { Config, Direction, ProviderConfig, ProviderType, RepoConfig, Side } from "../config/types.ts";
import type { SyncRequest } from "../queue/types.ts";
import type { PushDelivery } from "./types.ts";

export interface DeliveryMatch {
  repo: RepoConfig;
  side: Side;
  direction: Direction;
  /** Name of the provider the delivery came through (for logs). */
  provider: string;
}

export type MatchResult = DeliveryMatch | { ignored: string };

/** What matching reads of a delivery; CodeCommit events (server/intake) match the same way. */
export type MatchQuery = Pick<PushDelivery, "repoPath" | "host" | "ref"> & { provider: ProviderType };

interface Candidate {
  repo: RepoConfig;
  side: Side;
  provider: ProviderConfig;
}

export function matchDelivery(config: Pick<Config, "providers" | "repos">, d: MatchQuery): MatchResult {
  const ofType = [...config.providers.values()].filter((p) => p.type === d.provider);
  if (ofType.length === 0) {
    return { ignored: `no ${d.provider} provider is configured; add one under providers: or remove this webhook` };
  }
  const providers = d.host === undefined ? ofType : ofType.filter((p) => providerHost(p) === d.host);
  if (providers.length === 0) {
    const known = ofType.map((p) => `${p.name} (${providerHost(p) ?? "no base_url"})`).join(", ");
    return { ignored: `no ${d.provider} provider has base_url host ${d.host}; configured: ${known}` };
  }

  const candidates = findCandidates(config.repos, providers, d);
  if (candidates.length === 0) {
    const where = d.host === undefined ? d.provider : `${d.provider} at ${d.host}`;
    return { ignored: `no repo has ${where} path ${d.repoPath} as target_path or source_path` };
  }
  const claimants = [...new Set(candidates.map((c) => c.provider.name))];
  if (d.host === undefined && claimants.length > 1) {
    return {
      ignored: `${d.repoPath} is claimed on several ${d.provider} providers (${claimants.join(", ")}) and the delivery ` +
        "does not say which instance sent it; ignored rather than guessed (GitLab 15.5+ sends X-Gitlab-Instance)",
    };
  }

  // Documented order first; a candidate that may not flow this way (one-way repo, pinned ref)
  // gives way to the next, and if none can, every reason is reported.
  const reasons: string[] = [];
  for (const c of candidates) {
    const r = directionFor(c, d.ref);
    if (typeof r === "string") reasons.push(r);
    else return { repo: c.repo, side: c.side, direction: r.direction, provider: c.provider.name };
  }
  return { ignored: reasons.join("; ") };
}

/** The queue request for a match (`source` is the webhook route, shown in Slack as the trigger). */
export function toSyncRequest(match: DeliveryMatch, d: PushDelivery): SyncRequest {
  const req: SyncRequest = { repo: match.repo.name, direction: match.direction, ref: d.ref, source: d.provider };
  if (d.deliveryId !== undefined) req.deliveryId = d.deliveryId;
  if (d.actor !== undefined) req.actor = d.actor;
  return req;
}

/** Lower-case host[:port] of a provider's base_url (GitHub defaults to github.com). */
export function providerHost(p: ProviderConfig): string | undefined {
  const base = providerBaseUrl(p);
  if (base === undefined) return undefined;
  try {
    return new URL(base).host.toLowerCase();
  } catch {
    return undefined;
  }
}

function findCandidates(repos: RepoConfig[], providers: ProviderConfig[], d: MatchQuery): Candidate[] {
  const byName = new Map(providers.map((p) => [p.name, p]));
  const same = d.provider === "github"
    ? (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
    : (a: string, b: string) => a === b;
  const out: Candidate[] = [];
  for (const side of ["target", "source"] as const) {
    for (const repo of repos) {
      const provider = byName.get(side === "target" ? repo.target : repo.source);
      const path = side === "target" ? repo.targetPath : repo.sourcePath;
      if (provider && same(path, d.repoPath)) out.push({ repo, side, provider });
    }
  }
  return out;
}

function directionFor(c: Candidate, ref: string): { direction: Direction } | string {
  const { repo, side } = c;
  const flow = pushDirection(repo, side);
  if ("error" in flow) return flow.error;
  const direction = flow.direction;
  const pin = refOverrideFor(repo, ref);
  const from = side === "source" ? repo.source : repo.target;
  if (pin && pin.from !== from) {
    return `${repo.name}: ${ref} is pinned by ref_overrides pattern ${JSON.stringify(pin.pattern)} to flow ` +
      `${pin.from} → ${pin.to}; events from ${from} are not mirrored for it`;
  }
  return { direction };
}
