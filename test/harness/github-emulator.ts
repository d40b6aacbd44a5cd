// A stateful GitHub REST API for the migration tests: repos with their settings, Actions
// permissions and Pages. Every request is validated against the @octokit/openapi extract. It also
// serves as the import source for the Gitea emulator (sourceFor), checking the token Gitea uses.
import { type EmuRequest, type EmuResponse, type Emulator, startEmulator } from "./api-emulator.ts";
import type { SourceRepo } from "./gitea-emulator.ts";
import { githubSpec } from "./specs/request-validator.ts";

export interface GithubRepoState {
  owner: string;
  name: string;
  description: string | null;
  homepage: string | null;
  has_wiki: boolean;
  has_projects: boolean;
  archived: boolean;
  actions: { enabled: boolean; allowed_actions?: string };
  pages: null | { cname: string | null; build_type: "legacy" | "workflow"; source: { branch: string; path: string }; https_enforced: boolean };
  source: SourceRepo;
}

export interface GithubWorld {
  tokens: Record<string, string>;
  repos: Record<string, GithubRepoState>;
}

export interface GithubEmulator extends Emulator {
  world: GithubWorld;
  snapshot(): unknown;
  /** The repo content behind a clone URL, when `token` may read it. */
  sourceFor(cloneAddr: string, token: string | undefined): SourceRepo | undefined;
}

export async function startGithubEmulator(seed: (world: GithubWorld) => void): Promise<GithubEmulator> {
  const world: GithubWorld = { tokens: {}, repos: {} };
  seed(world);
  let base = "";
  const err = (status: number, message: string): EmuResponse => ({ status, body: { message, documentation_url: "https://docs.github.com/rest" } });
  const authed = (h: (req: EmuRequest, login: string) => EmuResponse) => (req: EmuRequest) => {
    const login = req.auth?.kind === "token" ? world.tokens[req.auth.token] : undefined;
    return login ? h(req, login) : err(401, "Bad credentials");
  };
  const withRepo = (h: (req: EmuRequest, r: GithubRepoState) => EmuResponse) =>
    authed((req) => {
      const r = world.repos[`${req.params.owner}/${req.params.repo}`.toLowerCase()];
      return r ? h(req, r) : err(404, "Not Found");
    });
  const repoJson = (r: GithubRepoState) => ({
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: { login: r.owner },
    description: r.description,
    homepage: r.homepage,
    has_wiki: r.has_wiki,
    has_projects: r.has_projects,
    archived: r.archived,
    default_branch: r.source.default_branch,
    html_url: `${base}/${r.owner}/${r.name}`,
    clone_url: `${base}/${r.owner}/${r.name}.git`,
  });
  const pagesJson = (r: GithubRepoState) => ({ url: `${base}/repos/${r.owner}/${r.name}/pages`, status: "built", ...r.pages });

  const routes: Record<string, (req: EmuRequest) => EmuResponse> = {
    "GET /user": authed((_req, login) => ({ status: 200, body: { login, id: 1 } })),
    "GET /repos/{owner}/{repo}": withRepo((_req, r) => ({ status: 200, body: repoJson(r) })),
    "PATCH /repos/{owner}/{repo}": withRepo((req, r) => {
      const b = req.body as Partial<Pick<GithubRepoState, "description" | "homepage" | "has_wiki" | "has_projects">>;
      // GitHub stores an empty description or homepage as null.
      for (const k of ["description", "homepage", "has_wiki", "has_projects"] as const) {
        if (k in b) (r as unknown as Record<string, unknown>)[k] = b[k] === "" ? null : b[k];
      }
      return { status: 200, body: repoJson(r) };
    }),
    "GET /repos/{owner}/{repo}/actions/permissions": withRepo((_req, r) => ({ status: 200, body: r.actions })),
    "PUT /repos/{owner}/{repo}/actions/permissions": withRepo((req, r) => {
      const b = req.body as { enabled: boolean; allowed_actions?: string };
      r.actions = b.enabled ? { enabled: true, allowed_actions: b.allowed_actions ?? r.actions.allowed_actions ?? "all" } : { enabled: false };
      return { status: 204 };
    }),
    "GET /repos/{owner}/{repo}/pages": withRepo((_req, r) => (r.pages ? { status: 200, body: pagesJson(r) } : err(404, "Not Found"))),
    "POST /repos/{owner}/{repo}/pages": withRepo((req, r) => {
      if (r.pages) return err(409, "GitHub Pages is already enabled.");
      const b = req.body as { build_type?: "legacy" | "workflow"; source?: { branch: string; path?: string } };
      r.pages = { cname: null, build_type: b.build_type ?? "legacy", source: { branch: b.source?.branch ?? r.source.default_branch, path: b.source?.path ?? "/" }, https_enforced: true };
      return { status: 201, body: pagesJson(r) };
    }),
    "PUT /repos/{owner}/{repo}/pages": withRepo((req, r) => {
      if (!r.pages) return err(404, "Not Found");
      const b = req.body as { cname?: string | null; https_enforced?: boolean };
      if ("cname" in b) r.pages.cname = b.cname ?? null;
      if (b.https_enforced !== undefined) r.pages.https_enforced = b.https_enforced;
      return { status: 204 };
    }),
    "DELETE /repos/{owner}/{repo}/pages": withRepo((_req, r) => {
      if (!r.pages) return err(404, "Not Found");
      r.pages = null;
      return { status: 204 };
    }),
  };

  const emu = await startEmulator({ spec: githubSpec(), basePath: "", routes });
  base = emu.url;
  return Object.assign(emu, {
    world,
    snapshot: () => JSON.parse(JSON.stringify(world.repos)),
    sourceFor: (cloneAddr: string, token: string | undefined) => {
      if (!token || !world.tokens[token]) return undefined;
      const m = /\/([^/]+)\/([^/]+?)(\.git)?$/.exec(new URL(cloneAddr).pathname);
      const r = m && cloneAddr.startsWith(base) ? world.repos[`${m[1]}/${m[2]}`.toLowerCase()] : undefined;
      return r?.source;
    },
  });
}

/** A GitHub repo as the tests seed it. */
export function githubRepo(owner: string, name: string, over: Partial<GithubRepoState> = {}): GithubRepoState {
  return {
    owner,
    name,
    description: `${name} service`,
    homepage: `https://${name}.example.test`,
    has_wiki: true,
    has_projects: true,
    archived: false,
    actions: { enabled: true, allowed_actions: "all" },
    pages: null,
    source: { default_branch: "main", commits: 3, files: { "README.md": `# ${name}\n`, ".gitea/workflows/ci.yml": "on: push\n", ".gitea/workflows/security.yml": "on: push\n" } },
    ...over,
  };
}
