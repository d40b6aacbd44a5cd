// Phase 1: the primary Gitea's admin token and the organisation (and whether Actions is on).
import { BridgeError } from "../../../server/errors.ts";
import { ApiError } from "../api-client.ts";
import type { CheckItem, PhaseDef } from "./phase.ts";
import { ensure, planEnsure, removeCreated } from "./phase.ts";
import { ensureToken, planToken, removeToken } from "./admin-token.ts";

export const primaryOrg: PhaseDef = {
  id: "1",
  title: "primary admin token and organisation",
  async plan(ctx) {
    const items = [await planToken(ctx, "primary")];
    const org = ctx.config.org;
    // Before the token exists, the org is looked up with the admin password.
    const hasToken = await ctx.gitea().then(() => true, () => false);
    const exists = hasToken ? await (await ctx.gitea()).findOrg(org) : await ctx.giteaNoToken("primary").findOrg(org, ctx.adminBasic("primary"));
    items.push(planEnsure(ctx, { kind: "org", server: "primary", id: org }, exists !== undefined, `organisation ${org}`));
    return items;
  },
  async run(ctx) {
    await ensureToken(ctx, "primary");
    const gitea = await ctx.gitea();
    const user = await gitea.currentUser();
    if (!user.is_admin) throw new Error(`the Gitea token belongs to ${user.login}, who is not a site admin; use an admin's token`);
    const org = ctx.config.org;
    const r = await ensure(ctx, { kind: "org", server: "primary", id: org }, () => gitea.findOrg(org), () => gitea.createOrg(org));
    ctx.progress(`organisation ${org}: ${r.outcome}`);
  },
  async check(ctx) {
    const gitea = await ctx.gitea();
    const out: CheckItem[] = [];
    const user = await gitea.currentUser();
    out.push({ name: "admin token", status: user.is_admin ? "ok" : "failed", detail: `${user.login}${user.is_admin ? " (admin)" : " is not an admin"}` });
    const org = await gitea.findOrg(ctx.config.org);
    out.push({ name: `organisation ${ctx.config.org}`, status: org ? "ok" : "failed", detail: org ? "exists" : "missing" });
    const settings = await gitea.apiSettings();
    out.push(
      "has_actions" in settings
        ? { name: "Actions enabled", status: settings.has_actions ? "ok" : "failed", detail: `has_actions: ${settings.has_actions}` }
        : { name: "Actions enabled", status: "unverified", detail: "this Gitea's /settings/api has no has_actions field: check [actions] ENABLED in app.ini" },
    );
    return out;
  },
  async teardown(ctx) {
    const gitea = await ctx.gitea();
    await removeCreated(ctx, async (r) => {
      try {
        await gitea.deleteOrg(r.id);
      } catch (err) {
        // Gitea refuses to delete an org that still owns repos: here, repos the toolkit did not
        // create (its own went with phase 4's teardown). Those are not ours to delete.
        if (err instanceof ApiError && (err.status === 422 || err.status === 409)) {
          throw new BridgeError("org-not-empty", `organisation ${r.id} still owns repositories this toolkit did not create; move or delete them in Gitea, then tear phase 1 down again`);
        }
        throw err;
      }
    }, ["org"]);
    // The token last: the org was deleted with it.
    await removeToken(ctx, "primary");
  },
};
