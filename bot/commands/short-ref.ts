// `/gitbridge retry app v1`: a short ref name is accepted when the sending side has exactly one
// branch or one tag by that name. resolveShortRef is pure (the side's advertisement in, a full
// ref or an error out); lookupShortRef reads the advertisement through the engine.
import type { Config, Direction, RepoConfig } from "../../server/config/types.ts";
import type { GitEngine, RefMap } from "../../server/mirror/git/types.ts";
import type { ResolveHost } from "../../server/mirror/remote-policy.ts";
import { remoteFor } from "../../server/mirror/remotes.ts";

export const isFullRef = (ref: string) => ref.startsWith("refs/");

export function resolveShortRef(name: string, advertised: RefMap, side: string): { ref: string } | { error: string } {
  const candidates = [`refs/heads/${name}`, `refs/tags/${name}`].filter((r) => advertised.has(r));
  if (candidates.length === 1) return { ref: candidates[0] };
  if (candidates.length === 0) {
    return { error: `no branch or tag named ${JSON.stringify(name)} on ${side}; give a full ref such as refs/tags/${name}` };
  }
  return { error: `${JSON.stringify(name)} is both a branch and a tag on ${side}; say refs/heads/${name} or refs/tags/${name}` };
}

/** The full ref for `name` on the side that sends in `direction`. */
export async function lookupShortRef(
  deps: { git: GitEngine; resolveHost: ResolveHost },
  config: Pick<Config, "providers">,
  repo: RepoConfig,
  direction: Direction | undefined,
  name: string,
  signal?: AbortSignal,
): Promise<{ ref: string } | { error: string }> {
  const fromTarget = direction === "target-to-source";
  const provider = fromTarget ? repo.target : repo.source;
  const path = fromTarget ? repo.targetPath : repo.sourcePath;
  const remote = await remoteFor(config, provider, path, deps.resolveHost);
  const advertised = await deps.git.listRemote(remote, [`refs/heads/${name}`, `refs/tags/${name}`], { signal });
  return resolveShortRef(name, advertised, `${provider} (${path})`);
}
