// The GitHub calls of the migration, typed. Beyond the contract: GET actions/permissions (to
// snapshot the Actions state before disabling it) and POST/PUT pages (to restore a Pages site that
// phase 8 disabled) — the issue asks teardown to restore both. api_url lets GHE and test servers in.
import { ApiClient, type ClientOptions } from "./api-client.ts";

export interface GithubRepo {
  name: string;
  full_name: string;
  archived?: boolean;
  description?: string | null;
  homepage?: string | null;
  has_wiki?: boolean;
  has_projects?: boolean;
  clone_url?: string;
  html_url?: string;
  default_branch?: string;
}
export interface ActionsPermissions { enabled: boolean; allowed_actions?: string }
export interface PagesSite {
  cname?: string | null;
  build_type?: "legacy" | "workflow" | null;
  source?: { branch: string; path: string };
  https_enforced?: boolean;
}
export interface RepoSettings { description: string; homepage: string; has_wiki: boolean; has_projects: boolean }

const enc = encodeURIComponent;
const repoPath = (owner: string, repo: string) => `/repos/${enc(owner)}/${enc(repo)}`;

export class GithubClient {
  readonly api: ApiClient;
  constructor(options: Omit<ClientOptions, "baseUrl" | "authorization"> & { apiUrl: string; token: string }) {
    this.api = new ApiClient({
      ...options,
      baseUrl: options.apiUrl,
      authorization: `token ${options.token}`,
      pageParam: "page",
      limitParam: "per_page",
      pageSize: 100,
    });
  }

  currentUser = async () => (await this.api.request<{ login: string; id: number }>("GET", "/user")).data;
  findRepo = (owner: string, repo: string) => this.api.find<GithubRepo>(repoPath(owner, repo));
  editRepo = async (owner: string, repo: string, body: RepoSettings) =>
    (await this.api.request<GithubRepo>("PATCH", repoPath(owner, repo), { body })).data;

  actionsPermissions = async (owner: string, repo: string) =>
    (await this.api.request<ActionsPermissions>("GET", `${repoPath(owner, repo)}/actions/permissions`)).data;
  setActionsPermissions = async (owner: string, repo: string, body: ActionsPermissions) =>
    void await this.api.request("PUT", `${repoPath(owner, repo)}/actions/permissions`, { body });

  findPages = (owner: string, repo: string) => this.api.find<PagesSite>(`${repoPath(owner, repo)}/pages`);
  deletePages = async (owner: string, repo: string) =>
    void await this.api.request("DELETE", `${repoPath(owner, repo)}/pages`, { accept: [404] });
  /** Re-creates a Pages site as snapshotted: POST with its source/build type, then PUT its cname. */
  restorePages = async (owner: string, repo: string, site: PagesSite) => {
    const body: Record<string, unknown> = {};
    if (site.build_type) body.build_type = site.build_type;
    if (site.source) body.source = { branch: site.source.branch, path: site.source.path };
    await this.api.request("POST", `${repoPath(owner, repo)}/pages`, { body, accept: [409] });
    if (site.cname || site.https_enforced !== undefined) {
      const update: Record<string, unknown> = { cname: site.cname ?? null };
      if (site.https_enforced !== undefined) update.https_enforced = site.https_enforced;
      await this.api.request("PUT", `${repoPath(owner, repo)}/pages`, { body: update });
    }
  };
}
