// Phase 8: each GitHub repo says it is a mirror (description, homepage pointing at Gitea, wiki and
// projects off) and its Pages site is disabled. Settings and Pages are snapshotted in the state
// file before any change, so teardown puts back exactly what was there.
import type { PagesSite, RepoSettings } from "../github-client.ts";
import type { CheckItem, PhaseContext, PhaseDef, PlanItem } from "./phase.ts";
import { eachWithProgress } from "./phase.ts";

const MARK = "[MIRROR]";

async function target(ctx: PhaseContext, repo: string, was: string | null | undefined): Promise<RepoSettings> {
  const g = await (await ctx.gitea()).findRepo(ctx.config.org, repo);
  const primary = g?.html_url ?? `${ctx.config.gitea.url.replace(/\/+$/, "")}/${ctx.config.org}/${repo}`;
  return {
    description: `${MARK} Offsite backup — primary at ${primary}${was ? ` — was: ${was}` : ""}`,
    homepage: primary,
    has_wiki: false,
    has_projects: false,
  };
}

const settingsOf = (r: { description?: string | null; homepage?: string | null; has_wiki?: boolean; has_projects?: boolean }) => ({
  description: r.description ?? "",
  homepage: r.homepage ?? "",
  has_wiki: !!r.has_wiki,
  has_projects: !!r.has_projects,
});
const same = (a: RepoSettings, b: RepoSettings) => JSON.stringify(settingsOf(a)) === JSON.stringify(settingsOf(b));

export const githubMirrorMarks: PhaseDef = {
  id: "8",
  title: "GitHub repos marked as mirrors, Pages off",
  async plan(ctx) {
    const owner = ctx.config.github.owner;
    const items: PlanItem[] = [];
    for (const repo of ctx.config.repos) {
      const r = await ctx.github.findRepo(owner, repo);
      const marked = (r?.description ?? "").startsWith(MARK);
      items.push({ action: marked ? "keep" : "update", target: `${owner}/${repo} settings`, detail: marked ? "already marked as a mirror" : "description, homepage, wiki off, projects off; snapshotted first" });
      const pages = await ctx.github.findPages(owner, repo);
      items.push({ action: pages ? "delete" : "keep", target: `${owner}/${repo} Pages`, detail: pages ? "disable; snapshotted first" : "not enabled" });
    }
    return items;
  },
  async run(ctx) {
    const { github } = ctx;
    const owner = ctx.config.github.owner;
    await eachWithProgress(ctx, ctx.config.repos, "marking", "GitHub repos", async (repo) => {
      const current = (await github.findRepo(owner, repo))!;
      const key = `repo:${repo}`;
      let snap = ctx.phase.snapshots[key] as RepoSettings | undefined;
      if (!snap) {
        if ((current.description ?? "").startsWith(MARK)) {
          ctx.progress(`${owner}/${repo} is already marked as a mirror: left as is`);
        } else {
          snap = settingsOf(current);
          ctx.phase.snapshots[key] = snap;
          await ctx.save();
        }
      }
      if (snap) {
        const want = await target(ctx, repo, snap.description);
        if (!same(settingsOf(current), want)) await github.editRepo(owner, repo, want);
      }
      const pagesKey = `pages:${repo}`;
      if (!(pagesKey in ctx.phase.snapshots)) {
        const site = await github.findPages(owner, repo);
        ctx.phase.snapshots[pagesKey] = site ? { cname: site.cname ?? null, build_type: site.build_type ?? null, source: site.source, https_enforced: site.https_enforced } : null;
        await ctx.save();
      }
      if (ctx.phase.snapshots[pagesKey] && await github.findPages(owner, repo)) await github.deletePages(owner, repo);
    });
  },
  async check(ctx) {
    const owner = ctx.config.github.owner;
    const out: CheckItem[] = [];
    for (const repo of ctx.config.repos) {
      const r = await ctx.github.findRepo(owner, repo);
      const ok = !!r && (r.description ?? "").startsWith(MARK) && !r.has_wiki && !r.has_projects;
      out.push({ name: `${owner}/${repo} marked as mirror`, status: ok ? "ok" : "failed", detail: r?.description ?? "repo not found" });
      const pages = await ctx.github.findPages(owner, repo);
      out.push({ name: `${owner}/${repo} Pages off`, status: pages ? "failed" : "ok" });
    }
    return out;
  },
  async teardown(ctx) {
    const owner = ctx.config.github.owner;
    for (const [key, snap] of Object.entries(ctx.phase.snapshots)) {
      const [kind, repo] = key.split(":");
      if (kind === "repo") {
        ctx.progress(`restoring ${owner}/${repo} description, homepage, wiki and projects`);
        await ctx.github.editRepo(owner, repo, snap as RepoSettings);
      } else if (kind === "pages" && snap) {
        ctx.progress(`restoring ${owner}/${repo} Pages`);
        if (!await ctx.github.findPages(owner, repo)) await ctx.github.restorePages(owner, repo, snap as PagesSite);
      }
      delete ctx.phase.snapshots[key];
      await ctx.save();
    }
  },
};
