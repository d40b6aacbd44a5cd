// Repo lookup by its config name: the one place every trigger (CLI, retry API, Slack, hooks, SQS,
// notifications) finds a repo, with one error text that names the closest known names.
import { editDistance } from "./edit-distance.ts";
import { ConfigError } from "../errors.ts";
import type { Config, RepoConfig } from "./types.ts";

type Repos = Pick<Config, "repos">;

/** The repo called `name`, or undefined. */
export function repoNamed(config: Repos, name: string): RepoConfig | undefined {
  return config.repos.find((r) => r.name === name);
}

/** The repo called `name`; a ConfigError naming the closest known repos otherwise. */
export function findRepo(config: Repos, name: string): RepoConfig {
  const repo = repoNamed(config, name);
  if (repo) return repo;
  throw new ConfigError(unknownRepoMessage(config, name), { repo: name, closest: closestRepoNames(config, name) });
}

export function unknownRepoMessage(config: Repos, name: string): string {
  const closest = closestRepoNames(config, name);
  const known = config.repos.length <= 10 ? config.repos.map((r) => r.name) : closest;
  const label = config.repos.length <= 10 ? "known repos" : "closest names";
  return `unknown repo ${JSON.stringify(name)}; ${label}: ${known.join(", ") || "(none)"}`;
}

/** Up to `max` configured names nearest to `name` (edit distance, case-insensitive; substrings first). */
export function closestRepoNames(config: Repos, name: string, max = 5): string[] {
  const want = name.toLowerCase().slice(0, 200);
  return config.repos
    .map((r) => {
      const have = r.name.toLowerCase();
      const d = have.includes(want) || want.includes(have) ? 0 : editDistance(want, have.slice(0, 200));
      return { name: r.name, d };
    })
    .filter((x) => x.d <= Math.max(3, Math.floor(want.length / 2)))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((x) => x.name);
}
