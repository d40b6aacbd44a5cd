// Phase 9: the security status checks (semgrep, trivy, gitleaks by default) required on the
// protected branch, once the security workflow that reports them is present (requiring checks
// nothing reports would block every merge). The rule's previous checks are snapshotted and restored.
import { BridgeError } from "../../../server/errors.ts";
import type { BranchProtection } from "../gitea-client.ts";
import type { CheckItem, PhaseContext, PhaseDef, PlanItem } from "./phase.ts";
import { eachWithProgress } from "./phase.ts";

interface Snap { enable_status_check: boolean; status_check_contexts: string[] }
const contexts = (bp: BranchProtection) => bp.status_check_contexts ?? [];
const wanted = (ctx: PhaseContext, bp: BranchProtection) => [...new Set([...contexts(bp), ...ctx.config.status_checks])];
const satisfied = (ctx: PhaseContext, bp: BranchProtection) => !!bp.enable_status_check && ctx.config.status_checks.every((c) => contexts(bp).includes(c));

export const securityChecks: PhaseDef = {
  id: "9",
  title: "security status checks required",
  async plan(ctx) {
    const gitea = await ctx.gitea();
    const { org, branch_protection: { branch }, status_checks } = ctx.config;
    const items: PlanItem[] = [];
    for (const repo of ctx.config.repos) {
      const bp = await gitea.findBranchProtection(org, repo, branch);
      items.push(
        !bp
          ? { action: "skip", target: `${org}/${repo} ${branch}`, detail: "no branch protection: run phase 7 first" }
          : satisfied(ctx, bp)
          ? { action: "keep", target: `${org}/${repo} ${branch} checks`, detail: contexts(bp).join(", ") }
          : { action: "update", target: `${org}/${repo} ${branch} checks`, detail: `require ${status_checks.join(", ")}` },
      );
      items.push({ action: "verify", target: `${org}/${repo} has ${ctx.config.security_workflow}` });
    }
    return items;
  },
  async run(ctx) {
    const gitea = await ctx.gitea();
    const { org, branch_protection: { branch }, security_workflow } = ctx.config;
    const missing: string[] = [];
    for (const repo of ctx.config.repos) if (!await gitea.findContents(org, repo, security_workflow)) missing.push(`${org}/${repo}`);
    if (missing.length) {
      throw new BridgeError("security-workflow", `${security_workflow} is missing in ${missing.join(", ")}: add it (it reports ${ctx.config.status_checks.join(", ")}) before requiring its checks`);
    }
    await eachWithProgress(ctx, ctx.config.repos, "requiring checks on", "repos", async (repo) => {
      const bp = await gitea.findBranchProtection(org, repo, branch);
      if (!bp) throw new BridgeError("no-protection", `${org}/${repo} has no protection for ${branch}: run phase 7`);
      const key = `protection:${repo}`;
      if (!(key in ctx.phase.snapshots)) {
        if (satisfied(ctx, bp)) return; // already required: nothing to change or restore
        ctx.phase.snapshots[key] = { enable_status_check: !!bp.enable_status_check, status_check_contexts: contexts(bp) } satisfies Snap;
        await ctx.save();
      }
      if (!satisfied(ctx, bp)) await gitea.editBranchProtection(org, repo, branch, { enable_status_check: true, status_check_contexts: wanted(ctx, bp) });
    });
  },
  async check(ctx) {
    const gitea = await ctx.gitea();
    const { org, branch_protection: { branch }, security_workflow } = ctx.config;
    const out: CheckItem[] = [];
    for (const repo of ctx.config.repos) {
      const bp = await gitea.findBranchProtection(org, repo, branch);
      out.push({ name: `${org}/${repo} requires ${ctx.config.status_checks.join(", ")}`, status: bp && satisfied(ctx, bp) ? "ok" : "failed", detail: bp ? contexts(bp).join(", ") || "no checks" : "no branch protection" });
      const wf = await gitea.findContents(org, repo, security_workflow);
      out.push({ name: `${org}/${repo} ${security_workflow}`, status: wf ? "ok" : "failed", detail: wf ? "present" : "missing" });
    }
    return out;
  },
  async teardown(ctx) {
    const gitea = await ctx.gitea();
    const { org, branch_protection: { branch } } = ctx.config;
    for (const [key, snap] of Object.entries(ctx.phase.snapshots)) {
      const repo = key.slice("protection:".length);
      ctx.progress(`restoring the status checks of ${org}/${repo} ${branch}`);
      if (await gitea.findBranchProtection(org, repo, branch)) await gitea.editBranchProtection(org, repo, branch, snap as Snap as unknown as Record<string, unknown>);
      delete ctx.phase.snapshots[key];
      await ctx.save();
    }
  },
};
