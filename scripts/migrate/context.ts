// What every phase works with: the config, the state file, the secret store and the API clients,
// built once from injected IO (fetch, sleep, clock, DNS, output) so the CLI, the Slack flow and the
// tests run the same phase functions. API URLs pass the same address policy as git remotes.
import { checkRemoteUrl, type ResolveHost } from "../../server/mirror/remote-policy.ts";
import { redact } from "../../server/mirror/redact.ts";
import { ConfigError } from "../../server/errors.ts";
import type { HttpDeps } from "./api-client.ts";
import type { MigrationConfig } from "./config.ts";
import { basicAuth, GiteaClient } from "./gitea-client.ts";
import { GithubClient } from "./github-client.ts";
import { fileSecrets, printedSecrets, type SecretStore } from "./secrets.ts";
import { StateStore } from "./state.ts";

export interface MigrationDeps extends HttpDeps {
  resolveHost: ResolveHost;
  /** Log lines (waits, retries, notes); already redacted when they arrive. */
  log: (line: string) => void;
  /** Where print-mode secrets are shown, once. */
  printSecret: (text: string) => void;
}

export type Side = "primary" | "backup";

export interface MigrationContext {
  config: MigrationConfig;
  store: StateStore;
  secrets: SecretStore;
  github: GithubClient;
  deps: MigrationDeps;
  /** Primary or backup Gitea with its admin token; throws with a remedy when there is none yet. */
  gitea(side?: Side): Promise<GiteaClient>;
  /** A Gitea client with no token: /version and the basic-auth token calls. */
  giteaNoToken(side: Side): GiteaClient;
  /** The Authorization header for the admin password (token creation), or a ConfigError. */
  adminBasic(side: Side): string;
  /** Adds a value created at run time (a token) to what every output is scrubbed of. */
  addSecret(value: string): void;
  redact(text: string): string;
  log(line: string): void;
}

export const TOKEN_SECRET = { primary: "gitea.token", backup: "backup.token" } as const;

export async function openContext(config: MigrationConfig, deps: MigrationDeps): Promise<MigrationContext> {
  const sides = [["gitea", config.gitea], ["backup", config.backup], ["github", { ...config.github, url: config.github.api_url }]] as const;
  for (const [key, s] of sides) {
    if (!s) continue;
    try {
      await checkRemoteUrl(s.url, { allowInsecureHttp: s.allow_insecure_http, allowPrivateNetwork: s.allow_private_network }, deps.resolveHost);
    } catch (err) {
      throw new ConfigError(`${config.path}: ${key} URL: ${(err as Error).message.replace(/on the provider/g, `under ${key}:`)}`);
    }
  }
  const secretValues = [...config.secretValues];
  const scrub = (text: string) => redact(text, secretValues);
  const log = (line: string) => deps.log(scrub(line));
  const http = { deps, onWait: log };
  const secrets = config.secrets.mode === "print" ? printedSecrets(deps.printSecret) : fileSecrets(config.secretsFile);
  const store = await StateStore.open(config.workDir, config.org);
  const server = (side: Side) => {
    const s = side === "primary" ? config.gitea : config.backup;
    if (!s) throw new ConfigError(`no backup: in ${config.path}; the backup phases are skipped`);
    return s;
  };
  const clients = new Map<string, GiteaClient>();

  const ctx: MigrationContext = {
    config,
    store,
    secrets,
    deps,
    github: new GithubClient({ ...http, name: "GitHub", apiUrl: config.github.api_url, token: config.github.token }),
    async gitea(side = "primary") {
      const s = server(side);
      const token = s.token ?? await secrets.get(TOKEN_SECRET[side]);
      if (!token) {
        const phase = side === "primary" ? 1 : 2;
        throw new ConfigError(
          secrets.mode === "print"
            ? `no ${side} Gitea token: set ${side === "primary" ? "gitea" : "backup"}.token in ${config.path} to the token phase ${phase} printed (or tear phase ${phase} down and run it again)`
            : `no ${side} Gitea token yet: run phase ${phase} first, or set ${side === "primary" ? "gitea" : "backup"}.token in ${config.path}`,
        );
      }
      if (!secretValues.includes(token)) secretValues.push(token);
      const key = `${side}:${token}`;
      let c = clients.get(key);
      if (!c) clients.set(key, c = new GiteaClient({ ...http, name: side === "primary" ? "Gitea" : "backup Gitea", url: s.url, token }));
      return c;
    },
    giteaNoToken: (side) => new GiteaClient({ ...http, name: side === "primary" ? "Gitea" : "backup Gitea", url: server(side).url }),
    adminBasic(side) {
      const s = server(side);
      if (!s.admin_password) {
        throw new ConfigError(`${side === "primary" ? "gitea" : "backup"}.admin_password is needed to create or delete the admin token; set it in ${config.path}`);
      }
      return basicAuth(s.admin_user, s.admin_password);
    },
    addSecret: (value) => void (secretValues.includes(value) || secretValues.push(value)),
    redact: scrub,
    log,
  };
  return ctx;
}
