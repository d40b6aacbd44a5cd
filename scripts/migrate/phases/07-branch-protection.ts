// Phase 7: branch protection on each repo's configured branch (the contract's rule: no direct
// pushes, status checks on, N approvals). An existing rule for the branch is adopted as is.
import type { CheckItem, PhaseDef, PlanItem } from "./phase.ts";
import { eachWithProgress, ensure, planEnsure, removeCreated } from "./phase.ts";

export const branchProtection: PhaseDef = {
  id: "7",
  title: "branch protection",
  async plan(ctx) {
    const gitea = await ctx.gitea();
    const { org, branch_protection: bp } = ctx.config;
    const items: PlanItem[] = [];
    for (const repo of ctx.config.repos) {
      const exists = !!await gitea.findBranchProtection(org, repo, bp.branch);
      items.push(planEnsure(ctx, { kind: "branch-protection", server: "primary", id: `${org}/${repo}:${bp.branch}` }, exists, `protect ${bp.branch} of ${org}/${repo} (${bp.required_approvals} approval(s))`));
    }
    return items;
  },
  async run(ctx) {
    const gitea = await ctx.gitea();
    const { org, branch_protection: bp } = ctx.config;
    await eachWithProgress(ctx, ctx.config.repos, "protecting", "repos", async (repo) => {
      await ensure(ctx, { kind: "branch-protection", server: "primary", id: `${org}/${repo}:${bp.branch}` }, () => gitea.findBranchProtection(org, repo, bp.branch), () =>
        gitea.createBranchProtection(org, repo, {
          branch_name: bp.branch,
          enable_push: false,
          enable_push_whitelist: false,
          require_signed_commits: false,
          enable_status_check: true,
          status_check_contexts: [],
          enable_approvals_whitelist: false,
          required_approvals: bp.required_approvals,
        }));
    });
  },
  async check(ctx) {
    const gitea = await ctx.gitea();
    const { org, branch_protection: bp } = ctx.config;
    const out: CheckItem[] = [];
    for (const repo of ctx.config.repos) {
      const rule = (await gitea.listBranchProtections(org, repo)).find((r) => (r.rule_name ?? r.branch_name) === bp.branch);
      out.push(
        !rule
          ? { name: `${org}/${repo} ${bp.branch} protected`, status: "failed", detail: "no rule" }
          : {
            name: `${org}/${repo} ${bp.branch} protected`,
            status: (rule.required_approvals ?? 0) >= bp.required_approvals && !rule.enable_push ? "ok" : "failed",
            detail: `${rule.required_approvals ?? 0} approval(s), direct push ${rule.enable_push ? "allowed" : "blocked"}`,
          },
      );
    }
    return out;
  },
  async teardown(ctx) {
    const gitea = await ctx.gitea();
    await removeCreated(ctx, async (r) => {
      const [full, branch] = r.id.split(":");
      const [owner, repo] = full.split("/");
      await gitea.deleteBranchProtection(owner, repo, branch);
    });
  },
};
