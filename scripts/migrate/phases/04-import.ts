// Phase 4: repos imported from GitHub into the organisation, then pull mirrors of them on the
// backup Gitea. Gitea migrates asynchronously: the repo exists at once and reads empty until the
// import finishes, so each is polled (with a deadline) before the next starts.
import { BridgeError } from "../../../server/errors.ts";
import type { GiteaClient } from "../gitea-client.ts";
import type { CheckItem, PhaseContext, PhaseDef, PlanItem } from "./phase.ts";
import { eachWithProgress, ensure, planEnsure, removeCreated } from "./phase.ts";

export const backupOwner = (ctx: PhaseContext) => ctx.config.backup!.owner ?? ctx.config.backup!.admin_user;

async function waitImported(ctx: PhaseContext, gitea: GiteaClient, owner: string, repo: string): Promise<void> {
  const deadline = ctx.deps.now() + ctx.config.import_timeout_seconds * 1000;
  for (let delay = 1000;; delay = Math.min(delay * 2, 10_000)) {
    const r = await gitea.findRepo(owner, repo);
    if (!r) throw new BridgeError("import", `${gitea.api.name} dropped ${owner}/${repo} during the import (a failed migration is deleted); run phase 4 again`);
    if (!r.empty) return;
    if (ctx.deps.now() + delay > deadline) {
      throw new BridgeError("import-timeout", `${owner}/${repo} is still empty after ${ctx.config.import_timeout_seconds}s; the import may still be running: run phase 4 again later, or raise import_timeout_seconds`);
    }
    await ctx.deps.sleep(delay);
  }
}

export const importRepos: PhaseDef = {
  id: "4",
  title: "repos imported from GitHub, pull mirrors on the backup",
  async plan(ctx) {
    const gitea = await ctx.gitea();
    const items: PlanItem[] = [];
    for (const repo of ctx.config.repos) {
      const id = `${ctx.config.org}/${repo}`;
      items.push(planEnsure(ctx, { kind: "repo", server: "primary", id }, !!await gitea.findRepo(ctx.config.org, repo), `import ${ctx.config.github.owner}/${repo} → ${id}`));
    }
    if (!ctx.config.backup) {
      items.push({ action: "skip", target: "backup pull mirrors", detail: "no backup: in migration.yaml" });
      return items;
    }
    const backup = await ctx.gitea("backup");
    for (const repo of ctx.config.repos) {
      const id = `${backupOwner(ctx)}/${repo}`;
      items.push(planEnsure(ctx, { kind: "repo", server: "backup", id }, !!await backup.findRepo(backupOwner(ctx), repo), `pull mirror ${id} (every ${ctx.config.mirror_interval})`));
    }
    return items;
  },
  async run(ctx) {
    const { config, github } = ctx;
    const gitea = await ctx.gitea();
    await eachWithProgress(ctx, config.repos, "importing", "repos", async (repo) => {
      const source = await github.findRepo(config.github.owner, repo);
      if (!source) throw new BridgeError("missing", `GitHub repo ${config.github.owner}/${repo} not found; check repos: in ${config.path}`);
      const r = await ensure(ctx, { kind: "repo", server: "primary", id: `${config.org}/${repo}` }, () => gitea.findRepo(config.org, repo), () =>
        gitea.migrate({
          clone_addr: source.clone_url ?? `https://github.com/${config.github.owner}/${repo}.git`,
          auth_token: config.github.token,
          repo_owner: config.org,
          repo_name: repo,
          service: "github",
          mirror: false,
          issues: true,
          labels: true,
          milestones: false,
          wiki: false,
        }));
      if (r.outcome === "adopted" && r.value.empty) {
        throw new BridgeError("adopted-empty", `${config.org}/${repo} already exists on Gitea, empty, and this toolkit did not create it: delete it (or push to it), then run phase 4 again`);
      }
      await waitImported(ctx, gitea, config.org, repo);
    });
    if (!config.backup) {
      ctx.progress("no backup: configured, pull mirrors skipped");
      return;
    }
    const backup = await ctx.gitea("backup");
    const owner = backupOwner(ctx);
    const primaryToken = config.gitea.token ?? await ctx.secrets.get("gitea.token");
    await eachWithProgress(ctx, config.repos, "mirroring", "repos on the backup", async (repo) => {
      const primary = await gitea.findRepo(config.org, repo);
      if (!primary) throw new BridgeError("missing", `${config.org}/${repo} vanished from the primary Gitea; run phase 4 again`);
      const m = await ensure(ctx, { kind: "repo", server: "backup", id: `${owner}/${repo}` }, () => backup.findRepo(owner, repo), () =>
        backup.migrate({
          clone_addr: primary.clone_url ?? `${config.gitea.url.replace(/\/+$/, "")}/${config.org}/${repo}.git`,
          auth_username: config.gitea.admin_user,
          auth_password: primaryToken,
          repo_owner: owner,
          repo_name: repo,
          mirror: true,
          mirror_interval: config.mirror_interval,
        }));
      if (m.outcome === "adopted" && (m.value.empty || !m.value.mirror)) {
        throw new BridgeError("adopted-not-mirror", `${owner}/${repo} already exists on the backup Gitea and is not a pull mirror this toolkit made: rename or delete it, then run phase 4 again`);
      }
      await waitImported(ctx, backup, owner, repo);
    });
  },
  async check(ctx) {
    const out: CheckItem[] = [];
    const gitea = await ctx.gitea();
    for (const repo of ctx.config.repos) {
      const r = await gitea.findRepo(ctx.config.org, repo);
      const commits = r && !r.empty ? await gitea.latestCommits(ctx.config.org, repo) : [];
      out.push({
        name: `${ctx.config.org}/${repo}`,
        status: r && !r.empty && Array.isArray(commits) && commits.length > 0 ? "ok" : "failed",
        detail: !r ? "missing" : r.empty ? "empty (import not finished?)" : "imported, has commits",
      });
    }
    if (!ctx.config.backup) return [...out, { name: "backup pull mirrors", status: "ok", detail: "skipped: no backup: configured" }];
    const backup = await ctx.gitea("backup");
    for (const repo of ctx.config.repos) {
      const r = await backup.findRepo(backupOwner(ctx), repo);
      out.push({ name: `backup ${backupOwner(ctx)}/${repo}`, status: r?.mirror && !r.empty ? "ok" : "failed", detail: !r ? "missing" : r.mirror ? (r.empty ? "empty" : "pull mirror") : "exists but is not a mirror" });
    }
    return out;
  },
  async teardown(ctx) {
    const gitea = await ctx.gitea();
    const backup = ctx.config.backup ? await ctx.gitea("backup") : undefined;
    await removeCreated(ctx, async (r) => {
      const [owner, name] = r.id.split("/");
      await (r.server === "backup" ? backup! : gitea).deleteRepo(owner, name);
    });
  },
};
