// Credential-free remote URLs and the HTTP credentials that go with them. Credentials never go
// into the URL: it is logged, stored in cache repos' config, and shown in errors.
import { providerBaseUrl } from "./base-url.ts";
import { UnsafeInputError } from "../errors.ts";
import { repoPathProblem } from "./repo-path.ts";
import type { ProviderConfig, ProviderType } from "./types.ts";

/**
 * `base_url/<path>.git`; CodeCommit: `https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>`
 * (or `base_url/v1/repos/<name>`). Each path segment is percent-encoded, `/` between them kept.
 * Throws UnsafeInputError for a path that could change the URL's meaning ("..", "?", "#", …).
 */
export function remoteUrl(provider: ProviderConfig, path: string): string {
  const problem = repoPathProblem(path);
  if (problem) throw new UnsafeInputError(`repository path ${JSON.stringify(path)} ${problem}`, { path });
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  const base = providerBaseUrl(provider);
  if (!base) throw new UnsafeInputError(`provider ${provider.name} (type ${provider.type}) has no base_url`, { provider: provider.name });
  if (provider.type === "codecommit") return `${base}/v1/repos/${encoded}`;
  return encoded.endsWith(".git") ? `${base}/${encoded}` : `${base}/${encoded}.git`;
}

// The user name each host expects next to a token sent as the HTTP Basic password.
const TOKEN_USERNAME: Record<ProviderType, string> = {
  github: "x-access-token",
  gitlab: "oauth2",
  gitea: "git-bridge",
  git: "git-bridge",
  codecommit: "git-bridge",
};

export interface HttpAuth {
  username: string;
  password: string;
}

/** HTTP Basic credentials: the token (user name per host type), else git_username/git_password. */
export function httpAuth(provider: ProviderConfig): HttpAuth | undefined {
  const c = provider.credentials;
  if (c.token) return { username: c.username ?? TOKEN_USERNAME[provider.type], password: c.token };
  if (c.gitPassword) {
    return {
      username: c.username ?? c.gitUsername ?? TOKEN_USERNAME[provider.type],
      password: c.gitPassword,
    };
  }
  return undefined;
}
