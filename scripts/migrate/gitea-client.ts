// The Gitea calls of the migration (seeds/gitea-migration-api-contracts.md), typed. Where the
// contract and this Gitea's spec differ, the spec wins: push mirrors are deleted by remote_name
// (the spec's PushMirror has no id); runner and workflow listings exist only on newer Gitea, so
// their methods answer "unsupported" on 404/405 instead of failing.
import { ApiClient, type ClientOptions } from "./api-client.ts";

export interface GiteaUser { id: number; login: string; email?: string; is_admin?: boolean }
export interface GiteaToken { id: number; name: string; sha1?: string; token_last_eight?: string; scopes?: string[] }
export interface GiteaOrg { id: number; name: string; full_name?: string; visibility?: string }
export interface GiteaRepo {
  id: number;
  name: string;
  full_name: string;
  empty: boolean;
  mirror: boolean;
  default_branch?: string;
  archived?: boolean;
  description?: string;
  clone_url?: string;
  html_url?: string;
}
export interface PushMirror { remote_name: string; remote_address: string; interval?: string; sync_on_commit?: boolean }
export interface BranchProtection {
  branch_name?: string;
  rule_name?: string;
  enable_status_check?: boolean;
  status_check_contexts?: string[] | null;
  required_approvals?: number;
  enable_push?: boolean;
}
export interface Runner { id: number; name: string; status: string; labels?: unknown[] }
export type Probe<T> = { supported: true; value: T } | { supported: false; status: number };

const enc = encodeURIComponent;
const repoPath = (owner: string, repo: string) => `/repos/${enc(owner)}/${enc(repo)}`;

// Scoped tokens (Gitea >= 1.19) replaced the contract's ["all"]: these cover what the phases do.
export const TOKEN_SCOPES = ["write:admin", "write:organization", "write:repository", "write:user"];

export function basicAuth(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

export class GiteaClient {
  readonly api: ApiClient;
  constructor(options: Omit<ClientOptions, "baseUrl" | "authorization"> & { url: string; token?: string }) {
    this.api = new ApiClient({
      ...options,
      baseUrl: `${options.url.replace(/\/+$/, "")}/api/v1`,
      authorization: options.token ? `token ${options.token}` : undefined,
      pageParam: "page",
      limitParam: "limit",
      pageSize: 50,
    });
  }

  version = async () => (await this.api.request<{ version: string }>("GET", "/version")).data.version;
  currentUser = async (authorization?: string) => (await this.api.request<GiteaUser>("GET", "/user", { authorization })).data;
  apiSettings = async () => (await this.api.request<Record<string, unknown>>("GET", "/settings/api")).data;

  listTokens = async (user: string, authorization: string) =>
    (await this.api.list<GiteaToken>(`/users/${enc(user)}/tokens`, {}, { authorization }))!;
  createToken = async (user: string, name: string, authorization: string) =>
    (await this.api.request<GiteaToken>("POST", `/users/${enc(user)}/tokens`, {
      body: { name, scopes: TOKEN_SCOPES },
      authorization,
    })).data;
  deleteToken = async (user: string, idOrName: string, authorization: string) =>
    void await this.api.request("DELETE", `/users/${enc(user)}/tokens/${enc(idOrName)}`, { authorization, accept: [404] });

  findOrg = async (org: string, authorization?: string) => {
    const res = await this.api.request<GiteaOrg>("GET", `/orgs/${enc(org)}`, { accept: [404], authorization });
    return res.status === 404 ? undefined : res.data;
  };
  createOrg = async (org: string) =>
    (await this.api.request<GiteaOrg>("POST", "/orgs", { body: { username: org, full_name: org, visibility: "public" } })).data;
  deleteOrg = async (org: string) => void await this.api.request("DELETE", `/orgs/${enc(org)}`, { accept: [404] });

  findRepo = (owner: string, repo: string) => this.api.find<GiteaRepo>(repoPath(owner, repo));
  migrate = async (body: Record<string, unknown>) => (await this.api.request<GiteaRepo>("POST", "/repos/migrate", { body })).data;
  deleteRepo = async (owner: string, repo: string) => void await this.api.request("DELETE", repoPath(owner, repo), { accept: [404] });
  latestCommits = async (owner: string, repo: string) =>
    (await this.api.request<unknown[]>("GET", `${repoPath(owner, repo)}/commits`, { query: { limit: 1 }, accept: [404, 409] })).data;
  /** A file or directory at `path` (slashes kept: Gitea's route takes the rest of the URL). */
  findContents = (owner: string, repo: string, path: string) =>
    this.api.find<unknown>(`${repoPath(owner, repo)}/contents/${path.split("/").map(enc).join("/")}`);

  runnerRegistrationToken = async () =>
    (await this.api.request<{ token: string }>("GET", "/admin/runners/registration-token")).data.token;
  listRunners = () => this.#probeList<Runner>("/admin/runners");
  listWorkflows = async (owner: string, repo: string): Promise<Probe<{ path: string; name?: string; state?: string }[]>> => {
    const res = await this.api.request<{ workflows?: { path: string }[] }>("GET", `${repoPath(owner, repo)}/actions/workflows`, {
      accept: [404, 405],
    });
    if (res.status === 404 || res.status === 405) return { supported: false, status: res.status };
    return { supported: true, value: res.data?.workflows ?? [] };
  };

  listPushMirrors = async (owner: string, repo: string) => (await this.api.list<PushMirror>(`${repoPath(owner, repo)}/push_mirrors`))!;
  createPushMirror = async (owner: string, repo: string, body: Record<string, unknown>) =>
    (await this.api.request<PushMirror>("POST", `${repoPath(owner, repo)}/push_mirrors`, { body })).data;
  deletePushMirror = async (owner: string, repo: string, remoteName: string) =>
    void await this.api.request("DELETE", `${repoPath(owner, repo)}/push_mirrors/${enc(remoteName)}`, { accept: [404] });
  syncPushMirrors = async (owner: string, repo: string) => void await this.api.request("POST", `${repoPath(owner, repo)}/push_mirrors-sync`);

  listBranchProtections = async (owner: string, repo: string) =>
    (await this.api.request<BranchProtection[]>("GET", `${repoPath(owner, repo)}/branch_protections`)).data ?? [];
  findBranchProtection = (owner: string, repo: string, name: string) =>
    this.api.find<BranchProtection>(`${repoPath(owner, repo)}/branch_protections/${enc(name)}`);
  createBranchProtection = async (owner: string, repo: string, body: Record<string, unknown>) =>
    (await this.api.request<BranchProtection>("POST", `${repoPath(owner, repo)}/branch_protections`, { body })).data;
  editBranchProtection = async (owner: string, repo: string, name: string, body: Record<string, unknown>) =>
    (await this.api.request<BranchProtection>("PATCH", `${repoPath(owner, repo)}/branch_protections/${enc(name)}`, { body })).data;
  deleteBranchProtection = async (owner: string, repo: string, name: string) =>
    void await this.api.request("DELETE", `${repoPath(owner, repo)}/branch_protections/${enc(name)}`, { accept: [404] });

  async #probeList<T>(path: string): Promise<Probe<T[]>> {
    const items = await this.api.list<T>(path, {}, { accept: [404, 405] });
    return items === undefined ? { supported: false, status: 404 } : { supported: true, value: items };
  }
}
