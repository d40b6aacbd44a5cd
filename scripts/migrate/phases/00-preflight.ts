// Preflight: both tokens valid, every listed GitHub repo exists, the Gitea versions and the
// features this toolkit probes for. Changes nothing anywhere.
import { BridgeError } from "../../../server/errors.ts";
import type { Side } from "../context.ts";
import { TOKEN_SECRET } from "../context.ts";
import type { CheckItem, PhaseContext, PhaseDef } from "./phase.ts";

async function giteaChecks(ctx: PhaseContext, side: Side): Promise<CheckItem[]> {
  const label = side === "primary" ? "Gitea" : "backup Gitea";
  const out: CheckItem[] = [];
  try {
    const version = await ctx.giteaNoToken(side).version();
    out.push({ name: `${label} reachable`, status: "ok", detail: `version ${version}` });
  } catch (err) {
    return [{ name: `${label} reachable`, status: "failed", detail: ctx.redact((err as Error).message) }];
  }
  const s = side === "primary" ? ctx.config.gitea : ctx.config.backup!;
  const hasToken = !!(s.token ?? await ctx.secrets.get(TOKEN_SECRET[side]));
  try {
    const user = hasToken ? await (await ctx.gitea(side)).currentUser() : await ctx.giteaNoToken(side).currentUser(ctx.adminBasic(side));
    const how = hasToken ? "token" : "admin password";
    out.push(
      user.is_admin
        ? { name: `${label} ${how}`, status: "ok", detail: `signed in as ${user.login} (admin)` }
        : { name: `${label} ${how}`, status: "failed", detail: `${user.login} is not a site admin; the migration needs an admin` },
    );
    if (hasToken) {
      const settings = await (await ctx.gitea(side)).apiSettings();
      out.push(
        "has_actions" in settings
          ? { name: `${label} Actions`, status: settings.has_actions ? "ok" : "failed", detail: `has_actions: ${settings.has_actions}` }
          : { name: `${label} Actions`, status: "unverified", detail: "this Gitea's /settings/api has no has_actions field; Actions cannot be confirmed over the API" },
      );
    }
  } catch (err) {
    out.push({ name: `${label} credentials`, status: "failed", detail: ctx.redact((err as Error).message) });
  }
  return out;
}

async function checks(ctx: PhaseContext): Promise<CheckItem[]> {
  const out: CheckItem[] = [];
  const { github, config } = ctx;
  try {
    const user = await github.currentUser();
    out.push({ name: "GitHub token", status: "ok", detail: `signed in as ${user.login}` });
    const missing: string[] = [];
    for (const repo of config.repos) {
      if (!await github.findRepo(config.github.owner, repo)) missing.push(`${config.github.owner}/${repo}`);
    }
    out.push(
      missing.length
        ? { name: "GitHub repos", status: "failed", detail: `not found (or not visible to this token): ${missing.join(", ")}` }
        : { name: "GitHub repos", status: "ok", detail: `${config.repos.length} found` },
    );
  } catch (err) {
    out.push({ name: "GitHub token", status: "failed", detail: ctx.redact((err as Error).message) });
  }
  out.push(...await giteaChecks(ctx, "primary"));
  if (config.backup) out.push(...await giteaChecks(ctx, "backup"));
  else out.push({ name: "backup Gitea", status: "ok", detail: "no backup: configured; phase 2 and the backup pull mirrors will be skipped" });
  return out;
}

export const preflight: PhaseDef = {
  id: "preflight",
  title: "tokens, repos and Gitea versions",
  plan: async (ctx) => [
    { action: "verify", target: "GitHub token and repos", detail: ctx.config.repos.join(", ") },
    { action: "verify", target: "Gitea version, credentials and features", detail: ctx.config.backup ? "primary and backup" : "primary only" },
  ],
  run: async (ctx) => {
    const items = await checks(ctx);
    ctx.phase.snapshots.preflight = items;
    const failed = items.filter((i) => i.status === "failed");
    if (failed.length) throw new BridgeError("preflight", `preflight failed:\n${failed.map((f) => `  - ${f.name}: ${f.detail}`).join("\n")}`);
  },
  check: checks,
  teardown: async () => {},
};
