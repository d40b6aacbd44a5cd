// Which configured repo a CodeCommit reference event is about. Pure. A repository name is unique
// only within one account and region, so the event's region and account are matched against the
// consumer's provider (or, when the consumer names none, every codecommit provider) before the
// name is: two regions holding the same repo name never collide. Then the webhook rules apply
// (server/providers/match.ts): target_path before source_path, one-way repos and ref_overrides, a
// name claimed on several providers that the event cannot tell apart is ambiguous, not guessed.
import type { Config, ConsumerConfig, ProviderConfig } from "../config/types.ts";
import { type DeliveryMatch, matchDelivery } from "../providers/match.ts";
import type { SyncRequest } from "../queue/types.ts";
import type { ReferenceEvent, Unusable } from "./codecommit-event.ts";

export function matchCodeCommitEvent(
  config: Pick<Config, "providers" | "repos">,
  consumer: Pick<ConsumerConfig, "name" | "provider">,
  e: ReferenceEvent,
): { match: DeliveryMatch; request: SyncRequest } | Unusable {
  const all = [...config.providers.values()].filter((p) =>
    p.type === "codecommit" && (consumer.provider === undefined || p.name === consumer.provider)
  );
  if (all.length === 0) {
    return { unusable: `consumer ${consumer.name}: no codecommit provider is configured; add one under providers:` };
  }
  const inRegion = e.region === undefined ? all : all.filter((p) => providerRegion(p) === e.region);
  const inAccount = e.account === undefined ? inRegion : inRegion.filter((p) => p.accountId === undefined || p.accountId === e.account);
  if (inAccount.length === 0) {
    const known = all.map((p) => `${p.name} (${providerRegion(p) ?? "no region"}${p.accountId ? `, account ${p.accountId}` : ""})`);
    return {
      unusable: `${e.repositoryName}: the event is from region ${e.region ?? "?"} account ${e.account ?? "?"}, ` +
        `which no codecommit provider of consumer ${consumer.name} is in: ${known.join(", ")}`,
    };
  }
  const m = matchDelivery(
    { providers: new Map(inAccount.map((p) => [p.name, p])), repos: config.repos },
    { provider: "codecommit", repoPath: e.repositoryName, ref: e.ref },
  );
  if ("ignored" in m) return { unusable: m.ignored };
  return { match: m, request: { repo: m.repo.name, direction: m.direction, ref: e.ref, source: "sqs" } };
}

/** The provider's region, or the one in an AWS CodeCommit base_url (git-codecommit.<region>.amazonaws.com). */
export function providerRegion(p: ProviderConfig): string | undefined {
  if (p.region !== undefined) return p.region;
  try {
    return /^git-codecommit(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(p.baseUrl ?? "").hostname)?.[1];
  } catch {
    return undefined;
  }
}
