// Phase 6: a push mirror from each Gitea repo to its GitHub repo (GitHub stays as the offsite
// copy), a first sync, and GitHub Actions disabled on the mirror (its workflows now run on Gitea).
// The Actions state is snapshotted before it is changed, and restored by teardown.
import type { ActionsPermissions } from "../github-client.ts";
import type { CheckItem, PhaseContext, PhaseDef, PlanItem } from "./phase.ts";
import { eachWithProgress, ensure, planEnsure, removeCreated } from "./phase.ts";

const norm = (u: string) => u.replace(/\/+$/, "").replace(/\.git$/, "").toLowerCase();

async function githubUrl(ctx: PhaseContext, repo: string): Promise<string> {
  const r = await ctx.github.findRepo(ctx.config.github.owner, repo);
  return r?.clone_url ?? `https://github.com/${ctx.config.github.owner}/${repo}.git`;
}

async function findMirror(ctx: PhaseContext, repo: string, url: string) {
  const mirrors = await (await ctx.gitea()).listPushMirrors(ctx.config.org, repo);
  return mirrors.find((m) => norm(m.remote_address) === norm(url));
}

export const pushMirrors: PhaseDef = {
  id: "6",
  title: "push mirrors to GitHub, sync, GitHub Actions off",
  async plan(ctx) {
    const items: PlanItem[] = [];
    for (const repo of ctx.config.repos) {
      const url = await githubUrl(ctx, repo);
      items.push(planEnsure(ctx, { kind: "push-mirror", server: "primary", id: `${ctx.config.org}/${repo}` }, !!await findMirror(ctx, repo, url), `push mirror ${ctx.config.org}/${repo} → ${url}`));
      const perms = await ctx.github.actionsPermissions(ctx.config.github.owner, repo);
      items.push(perms.enabled ? { action: "update", target: `GitHub Actions on ${ctx.config.github.owner}/${repo}`, detail: "disable; state snapshotted first" } : { action: "keep", target: `GitHub Actions on ${ctx.config.github.owner}/${repo}`, detail: "already disabled" });
    }
    return items;
  },
  async run(ctx) {
    const { config, github } = ctx;
    const gitea = await ctx.gitea();
    await eachWithProgress(ctx, config.repos, "mirroring", "repos to GitHub", async (repo) => {
      const url = await githubUrl(ctx, repo);
      const r = await ensure(ctx, { kind: "push-mirror", server: "primary", id: `${config.org}/${repo}` }, () => findMirror(ctx, repo, url), () =>
        gitea.createPushMirror(config.org, repo, {
          remote_address: url,
          remote_username: config.github.owner,
          remote_password: config.github.token,
          interval: config.mirror_interval,
          sync_on_commit: true,
        }));
      if (r.outcome === "created") await gitea.syncPushMirrors(config.org, repo);
      const key = `actions:${repo}`;
      if (!(key in ctx.phase.snapshots)) {
        const perms = await github.actionsPermissions(config.github.owner, repo);
        if (!perms.enabled) return; // already off: nothing to change, nothing to restore
        ctx.phase.snapshots[key] = perms;
        await ctx.save();
      }
      const now = await github.actionsPermissions(config.github.owner, repo);
      if (now.enabled) await github.setActionsPermissions(config.github.owner, repo, { enabled: false });
    });
  },
  async check(ctx) {
    const out: CheckItem[] = [];
    for (const repo of ctx.config.repos) {
      const url = await githubUrl(ctx, repo);
      const m = await findMirror(ctx, repo, url);
      out.push({ name: `push mirror ${ctx.config.org}/${repo}`, status: m ? "ok" : "failed", detail: m ? `${m.remote_name} → ${url}, every ${m.interval}` : `none to ${url}` });
      const perms = await ctx.github.actionsPermissions(ctx.config.github.owner, repo);
      out.push({ name: `GitHub Actions off on ${ctx.config.github.owner}/${repo}`, status: perms.enabled ? "failed" : "ok" });
    }
    return out;
  },
  async teardown(ctx) {
    const { config, github } = ctx;
    for (const [key, snap] of Object.entries(ctx.phase.snapshots)) {
      if (!key.startsWith("actions:")) continue;
      const repo = key.slice("actions:".length);
      ctx.progress(`restoring GitHub Actions on ${config.github.owner}/${repo}`);
      const s = snap as ActionsPermissions;
      await github.setActionsPermissions(config.github.owner, repo, s.enabled && s.allowed_actions ? { enabled: true, allowed_actions: s.allowed_actions } : { enabled: s.enabled });
      delete ctx.phase.snapshots[key];
      await ctx.save();
    }
    const gitea = await ctx.gitea();
    await removeCreated(ctx, async (r) => {
      const repo = r.id.split("/")[1];
      const m = await findMirror(ctx, repo, await githubUrl(ctx, repo));
      if (m) await gitea.deletePushMirror(config.org, repo, m.remote_name);
    });
  },
};
