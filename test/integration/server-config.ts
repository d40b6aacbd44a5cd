// config.yaml for the bridge-server tests, written from a small spec and read by the real loader
// (startTestBridge): providers on the test hosts, repos, and the usual secrets section.
import type { Hosts } from "./server-hosts.ts";

export interface ProviderSpec {
  type: "github" | "gitlab" | "gitea" | "git";
  baseUrl: string;
  /** ${VAR} name of a token (sent with the type's default user name). */
  tokenVar?: string;
  /** git_username / ${VAR} of git_password. */
  user?: string;
  passVar?: string;
}
export interface RepoSpec {
  name: string;
  source: string;
  target: string;
  sourcePath: string;
  targetPath: string;
  direction?: "source-to-target" | "target-to-source" | "bidirectional";
  retryDirection?: "source-to-target" | "target-to-source";
}
export interface ConfigSpec {
  providers: Record<string, ProviderSpec>;
  repos: RepoSpec[];
  /** Extra top-level YAML (webhook:, retry:, notification:, mirror: …). */
  top?: string;
  concurrency?: number;
  timeoutSeconds?: number;
  drainSeconds?: number;
  /** The scheduled reconcile sweep; off unless asked for, so no sweep adds jobs a test does not expect. */
  reconcile?: boolean;
}

export function configYaml(spec: ConfigSpec): string {
  const providers = Object.entries(spec.providers).map(([name, p]) => {
    const creds = p.tokenVar
      ? `    credentials:\n      token: "\${${p.tokenVar}}"\n`
      : p.passVar
      ? `    credentials:\n      git_username: ${p.user}\n      git_password: "\${${p.passVar}}"\n`
      : "";
    return `  ${name}:\n    type: ${p.type}\n    base_url: ${p.baseUrl}\n    allow_insecure_http: true\n    allow_private_network: true\n${creds}`;
  }).join("");
  const repos = spec.repos.map((r) =>
    `  - name: ${r.name}\n    source: ${r.source}\n    target: ${r.target}\n    source_path: ${r.sourcePath}\n    target_path: ${r.targetPath}\n` +
    `    direction: ${r.direction ?? "source-to-target"}\n` + (r.retryDirection ? `    retry_direction: ${r.retryDirection}\n` : "")
  ).join("");
  return `# written by test/integration/server-config.ts
providers:
${providers}repos:
${repos}mirror:
  timeout_seconds: ${spec.timeoutSeconds ?? 30}
  concurrency: ${spec.concurrency ?? 4}
  drain_timeout_seconds: ${spec.drainSeconds ?? 10}
git:
  engine: native
reconcile:
  enabled: ${spec.reconcile ?? false}
${spec.top ?? ""}
`;
}

/**
 * The usual providers: github, gitlab and gitea on the source host (each with its token), the
 * target host with the right password (`dst`) and with a wrong one (`dst-wrong`).
 */
export function standardProviders(hosts: Hosts): Record<string, ProviderSpec> {
  return {
    gh: { type: "github", baseUrl: hosts.source.url, tokenVar: "GH_TOKEN" },
    gl: { type: "gitlab", baseUrl: hosts.source.url, tokenVar: "GL_TOKEN" },
    gt: { type: "gitea", baseUrl: hosts.source.url, tokenVar: "GITEA_TOKEN" },
    dst: { type: "git", baseUrl: hosts.target.url, user: "mirror", passVar: "DST_PASS" },
    "dst-wrong": { type: "git", baseUrl: hosts.target.url, user: "mirror", passVar: "WRONG_PASS" },
  };
}

/** A one-way repo `name` from `source`:`sourcePath` to dst:mirror/`name`. */
export const mirrorRepo = (name: string, source: string, sourcePath: string, extra: Partial<RepoSpec> = {}): RepoSpec => ({
  name,
  source,
  target: "dst",
  sourcePath,
  targetPath: `mirror/${name}`,
  ...extra,
});

/** The three webhook secrets and the retry token, by ${VAR}. */
export const SECRETS_YAML = `webhook:
  github_secret: "\${GH_SECRET}"
  gitlab_secret: "\${GL_SECRET}"
  gitea_secret: "\${GITEA_SECRET}"
retry:
  api_token: "\${RETRY_TOKEN}"
`;
