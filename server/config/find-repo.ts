import { ConfigError } from "../errors.ts";
import type { Config, RepoConfig } from "./types.ts";

/** The repo called `name`; ConfigError naming the known repos otherwise. */
export function findRepo(config: Pick<Config, "repos">, name: string): RepoConfig {
  const repo = config.repos.find((r) => r.name === name);
  if (repo) return repo;
  const known = config.repos.map((r) => r.name).join(", ") || "(none)";
  throw new ConfigError(`unknown repo ${JSON.stringify(name)}; known repos: ${known}`, { repo: name });
}
