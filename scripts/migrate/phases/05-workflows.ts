// Phase 5: every imported repo has Gitea Actions workflows. Newer Gitea lists them
// (GET …/actions/workflows); older ones do not, so the fallback reads the workflow directories
// (.gitea/workflows, then .github/workflows, which Gitea Actions also runs). Changes nothing.
import { BridgeError } from "../../../server/errors.ts";
import type { CheckItem, PhaseContext, PhaseDef } from "./phase.ts";

const DIRS = [".gitea/workflows", ".github/workflows"];

async function workflowsOf(ctx: PhaseContext, repo: string): Promise<CheckItem> {
  const gitea = await ctx.gitea();
  const org = ctx.config.org;
  const listed = await gitea.listWorkflows(org, repo);
  if (listed.supported) {
    return listed.value.length
      ? { name: `${org}/${repo} workflows`, status: "ok", detail: listed.value.map((w) => w.path).join(", ") }
      : { name: `${org}/${repo} workflows`, status: "failed", detail: "none: add .gitea/workflows/*.yml to the repo" };
  }
  for (const dir of DIRS) {
    const found = await gitea.findContents(org, repo, dir);
    if (Array.isArray(found) && found.length > 0) {
      return { name: `${org}/${repo} workflows`, status: "ok", detail: `${found.length} file(s) in ${dir} (this Gitea cannot list workflows; their state is not verified)` };
    }
  }
  return { name: `${org}/${repo} workflows`, status: "failed", detail: `none in ${DIRS.join(" or ")}: add .gitea/workflows/*.yml to the repo` };
}

const all = async (ctx: PhaseContext) => {
  const out: CheckItem[] = [];
  for (const repo of ctx.config.repos) out.push(await workflowsOf(ctx, repo));
  return out;
};

export const workflows: PhaseDef = {
  id: "5",
  title: "workflows present",
  plan: async (ctx) => ctx.config.repos.map((repo) => ({ action: "verify" as const, target: `${ctx.config.org}/${repo} has workflows` })),
  async run(ctx) {
    const items = await all(ctx);
    ctx.phase.notes = items.map((i) => `${i.name}: ${i.detail}`);
    const missing = items.filter((i) => i.status === "failed");
    if (missing.length) throw new BridgeError("workflows", `workflows missing:\n${missing.map((m) => `  - ${m.name}: ${m.detail}`).join("\n")}`);
  },
  check: all,
  teardown: async () => {},
};
