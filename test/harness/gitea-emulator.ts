// A stateful Gitea (API v1) for the migration tests: users and tokens, orgs, repos imported by an
// async migration, push mirrors, branch protections, runners. Every request is validated against
// the vendored swagger (api-emulator.ts). `newer: true` plays a Gitea that has the runner and
// workflow listings and `has_actions` in /settings/api; `newer: false` plays the spec's version.
import { createHash } from "node:crypto";
import { type EmuRequest, type EmuResponse, type Emulator, pageOf, startEmulator } from "./api-emulator.ts";
import { giteaSpec } from "./specs/request-validator.ts";

export interface SourceRepo {
  files: Record<string, string>;
  commits: number;
  default_branch: string;
}

interface Repo {
  id: number;
  owner: string;
  name: string;
  empty: boolean;
  mirror: boolean;
  mirror_interval?: string;
  original_url?: string;
  default_branch: string;
  description: string;
  files: Record<string, string>;
  commits: number;
  push_mirrors: { remote_name: string; remote_address: string; interval: string; sync_on_commit: boolean }[];
  branch_protections: Record<string, Record<string, unknown>>;
  /** GETs left before an async migration finishes (0 = done). */
  pending_polls: number;
}

export interface GiteaWorld {
  users: Record<string, { id: number; login: string; email: string; is_admin: boolean; password: string }>;
  tokens: { id: number; owner: string; name: string; sha1: string; scopes: string[] }[];
  orgs: Record<string, { id: number; name: string; full_name: string; visibility: string }>;
  repos: Record<string, Repo>;
  runners: { id: number; name: string; status: string; labels: string[] }[];
  runner_registration_token: string;
}

export interface GiteaEmulatorOptions {
  newer: boolean;
  admin: { login: string; password: string };
  /** Polls before an imported repo stops being empty. */
  migrationPolls?: number;
  /** Where clone_addr points: answers the repo's content, or undefined when the source refuses. */
  resolveSource: (cloneAddr: string, auth: { token?: string; username?: string; password?: string }) => SourceRepo | undefined;
  seed?: (world: GiteaWorld) => void;
}

export interface GiteaEmulator extends Emulator {
  world: GiteaWorld;
  /** Everything a teardown must restore (ids are counters, not state, and are left out). */
  snapshot(): unknown;
  options: GiteaEmulatorOptions;
}

export async function startGiteaEmulator(options: GiteaEmulatorOptions): Promise<GiteaEmulator> {
  let nextId = 100;
  const id = () => nextId++;
  const world: GiteaWorld = {
    users: { [options.admin.login]: { id: 1, login: options.admin.login, email: `${options.admin.login}@example.test`, is_admin: true, password: options.admin.password } },
    tokens: [],
    orgs: {},
    repos: {},
    runners: [{ id: 1, name: "runner-1", status: "online", labels: ["ubuntu-latest"] }],
    runner_registration_token: "REGTOKEN-" + createHash("sha256").update(options.admin.password).digest("hex").slice(0, 24),
  };
  options.seed?.(world);
  let base = "";

  const err = (status: number, message: string): EmuResponse => ({ status, body: { message, url: "https://gitea.example.test/api/swagger" } });
  const who = (req: EmuRequest) => {
    const auth = req.auth;
    if (auth?.kind === "token") {
      const t = world.tokens.find((t) => t.sha1 === auth.token);
      return t ? world.users[t.owner] : undefined;
    }
    if (auth?.kind === "basic") {
      const u = world.users[auth.user];
      return u && u.password === auth.password ? u : undefined;
    }
    return undefined;
  };
  // Every route but /version needs a signed-in user; admin routes an admin.
  const authed = (h: (req: EmuRequest, user: GiteaWorld["users"][string]) => EmuResponse, admin = false) => (req: EmuRequest) => {
    const user = who(req);
    if (!user) return err(401, "token is required");
    if (admin && !user.is_admin) return err(403, "admin required");
    return h(req, user);
  };
  const repoKey = (req: EmuRequest) => `${req.params.owner}/${req.params.repo}`.toLowerCase();
  const withRepo = (h: (req: EmuRequest, repo: Repo) => EmuResponse) =>
    authed((req) => {
      const repo = world.repos[repoKey(req)];
      if (!repo) return err(404, "repo not found");
      return h(req, repo);
    });
  const repoJson = (r: Repo) => ({
    id: r.id,
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    owner: { login: r.owner },
    empty: r.empty,
    mirror: r.mirror,
    mirror_interval: r.mirror_interval ?? "",
    original_url: r.original_url ?? "",
    default_branch: r.default_branch,
    archived: false,
    description: r.description,
    clone_url: `${base}/${r.owner}/${r.name}.git`,
    html_url: `${base}/${r.owner}/${r.name}`,
  });
  const page = (req: EmuRequest, items: unknown[]) => pageOf(req, items, { limitParam: "limit", defaultLimit: 30, maxLimit: 50, baseUrl: `${base}/api/v1` });
  const tokenOwner = (req: EmuRequest) => {
    const user = who(req);
    // Gitea only lets a user manage their own tokens, and only with basic auth.
    if (req.auth?.kind !== "basic" || !user) return { error: err(401, "basic auth required") };
    if (user.login !== req.params.username) return { error: err(403, "not your tokens") };
    return { user };
  };

  const routes: Record<string, (req: EmuRequest) => EmuResponse> = {
    "GET /version": () => ({ status: 200, body: { version: options.newer ? "1.24.0" : "1.22.0" } }),
    "GET /user": authed((_req, u) => ({ status: 200, body: { id: u.id, login: u.login, email: u.email, is_admin: u.is_admin } })),
    "GET /settings/api": authed(() => ({
      status: 200,
      body: { max_response_items: 50, default_paging_num: 30, default_git_trees_per_page: 1000, default_max_blob_size: 10485760, ...(options.newer ? { has_actions: true } : {}) },
    })),
    "GET /users/{username}/tokens": (req) => {
      const o = tokenOwner(req);
      if (o.error) return o.error;
      return page(req, world.tokens.filter((t) => t.owner === o.user.login).map((t) => ({ id: t.id, name: t.name, token_last_eight: t.sha1.slice(-8), scopes: t.scopes })));
    },
    "POST /users/{username}/tokens": (req) => {
      const o = tokenOwner(req);
      if (o.error) return o.error;
      const b = req.body as { name: string; scopes?: string[] };
      if (world.tokens.some((t) => t.owner === o.user.login && t.name === b.name)) return err(400, "access token name has been used already");
      const t = { id: id(), owner: o.user.login, name: b.name, sha1: createHash("sha1").update(`${b.name}:${nextId}:${Math.random()}`).digest("hex"), scopes: b.scopes ?? [] };
      world.tokens.push(t);
      return { status: 201, body: { id: t.id, name: t.name, sha1: t.sha1, token_last_eight: t.sha1.slice(-8), scopes: t.scopes } };
    },
    "DELETE /users/{username}/tokens/{token}": (req) => {
      const o = tokenOwner(req);
      if (o.error) return o.error;
      const i = world.tokens.findIndex((t) => t.owner === o.user.login && (String(t.id) === req.params.token || t.name === req.params.token));
      if (i < 0) return err(404, "token not found");
      world.tokens.splice(i, 1);
      return { status: 204 };
    },
    "POST /orgs": authed((req) => {
      const b = req.body as { username: string; full_name?: string; visibility?: string };
      if (world.orgs[b.username.toLowerCase()] || world.users[b.username]) return err(422, "user already exists");
      const org = { id: id(), name: b.username, full_name: b.full_name ?? "", visibility: b.visibility ?? "public" };
      world.orgs[b.username.toLowerCase()] = org;
      return { status: 201, body: org };
    }),
    "GET /orgs/{org}": authed((req) => {
      const org = world.orgs[req.params.org.toLowerCase()];
      return org ? { status: 200, body: org } : err(404, "org not found");
    }),
    "DELETE /orgs/{org}": authed((req) => {
      const key = req.params.org.toLowerCase();
      if (!world.orgs[key]) return err(404, "org not found");
      if (Object.values(world.repos).some((r) => r.owner.toLowerCase() === key)) return err(422, "org still owns repositories");
      delete world.orgs[key];
      return { status: 204 };
    }),
    "POST /repos/migrate": authed((req) => {
      const b = req.body as Record<string, string | boolean | undefined>;
      const owner = String(b.repo_owner ?? "");
      if (!world.orgs[owner.toLowerCase()] && !world.users[owner]) return err(422, `owner ${owner} does not exist`);
      const key = `${owner}/${b.repo_name}`.toLowerCase();
      if (world.repos[key]) return err(409, "The repository with the same name already exists.");
      const source = options.resolveSource(String(b.clone_addr), { token: b.auth_token as string, username: b.auth_username as string, password: b.auth_password as string });
      if (!source) return err(422, "Authentication failed: could not read the source repository");
      const repo: Repo = {
        id: id(),
        owner,
        name: String(b.repo_name),
        empty: true,
        mirror: b.mirror === true,
        mirror_interval: b.mirror === true ? String(b.mirror_interval ?? "8h0m0s") : undefined,
        original_url: String(b.clone_addr),
        default_branch: source.default_branch,
        description: String(b.description ?? ""),
        files: { ...source.files },
        commits: source.commits,
        push_mirrors: [],
        branch_protections: {},
        pending_polls: options.migrationPolls ?? 1,
      };
      world.repos[key] = repo;
      return { status: 201, body: repoJson(repo) };
    }),
    "GET /repos/{owner}/{repo}": withRepo((_req, r) => {
      // The import runs in the background: the repo reads empty until it finishes.
      if (r.pending_polls > 0) r.pending_polls--;
      else r.empty = r.commits === 0;
      return { status: 200, body: repoJson(r) };
    }),
    "DELETE /repos/{owner}/{repo}": withRepo((req) => {
      delete world.repos[repoKey(req)];
      return { status: 204 };
    }),
    "GET /repos/{owner}/{repo}/commits": withRepo((req, r) => {
      if (r.empty) return err(409, "Git Repository is empty.");
      const commits = Array.from({ length: r.commits }, (_, i) => ({ sha: createHash("sha1").update(`${r.name}:${i}`).digest("hex") }));
      return page(req, commits);
    }),
    "GET /repos/{owner}/{repo}/contents/{filepath}": withRepo((req, r) => {
      const path = req.params.filepath.replace(/\/+$/, "");
      if (r.files[path] !== undefined) return { status: 200, body: { type: "file", name: path.split("/").pop(), path, size: r.files[path].length } };
      const children = Object.keys(r.files).filter((f) => f.startsWith(path + "/"));
      if (children.length === 0) return err(404, "file does not exist");
      return { status: 200, body: children.map((f) => ({ type: "file", name: f.split("/").pop(), path: f })) };
    }),
    "GET /admin/runners/registration-token": authed(() => ({ status: 200, body: { token: world.runner_registration_token } }), true),
    "GET /admin/runners": authed((req) => (options.newer ? page(req, world.runners) : err(404, "not found")), true),
    "GET /repos/{owner}/{repo}/actions/workflows": withRepo((_req, r) => {
      if (!options.newer) return err(404, "not found");
      const workflows = Object.keys(r.files).filter((f) => /^\.(gitea|github)\/workflows\/[^/]+\.ya?ml$/.test(f))
        .map((path) => ({ id: path.split("/").pop(), name: path.split("/").pop(), path, state: "active" }));
      return { status: 200, body: { total_count: workflows.length, workflows } };
    }),
    "GET /repos/{owner}/{repo}/push_mirrors": withRepo((req, r) => page(req, r.push_mirrors)),
    "POST /repos/{owner}/{repo}/push_mirrors": withRepo((req, r) => {
      const b = req.body as { remote_address: string; interval?: string; sync_on_commit?: boolean; remote_password?: string };
      if (!b.remote_password) return err(422, "remote_password is required for an authenticated remote");
      const m = { remote_name: `remote_mirror_${id()}`, remote_address: b.remote_address, interval: b.interval ?? "8h0m0s", sync_on_commit: !!b.sync_on_commit };
      r.push_mirrors.push(m);
      return { status: 201, body: m };
    }),
    "DELETE /repos/{owner}/{repo}/push_mirrors/{name}": withRepo((req, r) => {
      const i = r.push_mirrors.findIndex((m) => m.remote_name === req.params.name);
      if (i < 0) return err(404, "push mirror not found");
      r.push_mirrors.splice(i, 1);
      return { status: 204 };
    }),
    "POST /repos/{owner}/{repo}/push_mirrors-sync": withRepo(() => ({ status: 200 })),
    "GET /repos/{owner}/{repo}/branch_protections": withRepo((_req, r) => ({ status: 200, body: Object.values(r.branch_protections) })),
    "GET /repos/{owner}/{repo}/branch_protections/{name}": withRepo((req, r) => {
      const bp = r.branch_protections[req.params.name];
      return bp ? { status: 200, body: bp } : err(404, "branch protection not found");
    }),
    "POST /repos/{owner}/{repo}/branch_protections": withRepo((req, r) => {
      const b = req.body as Record<string, unknown>;
      const name = String(b.rule_name ?? b.branch_name);
      if (r.branch_protections[name]) return err(403, "Branch protection already exist");
      r.branch_protections[name] = { branch_name: name, rule_name: name, enable_push: false, enable_status_check: false, status_check_contexts: [], required_approvals: 0, ...b };
      return { status: 201, body: r.branch_protections[name] };
    }),
    "PATCH /repos/{owner}/{repo}/branch_protections/{name}": withRepo((req, r) => {
      const bp = r.branch_protections[req.params.name];
      if (!bp) return err(404, "branch protection not found");
      Object.assign(bp, req.body);
      return { status: 200, body: bp };
    }),
    "DELETE /repos/{owner}/{repo}/branch_protections/{name}": withRepo((req, r) => {
      if (!r.branch_protections[req.params.name]) return err(404, "branch protection not found");
      delete r.branch_protections[req.params.name];
      return { status: 204 };
    }),
  };

  const emu = await startEmulator({ spec: giteaSpec(), basePath: "/api/v1", routes });
  base = emu.url;
  return Object.assign(emu, {
    world,
    options,
    snapshot: () => {
      const copy = JSON.parse(JSON.stringify(world)) as GiteaWorld;
      return { ...copy, tokens: copy.tokens.map(({ id: _id, sha1: _s, ...t }) => t) };
    },
  });
}
