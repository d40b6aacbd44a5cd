// Phase 2: the backup Gitea's admin token. Skipped (and said so) without a backup: block.
import type { PhaseDef } from "./phase.ts";
import { ensureToken, planToken, removeToken } from "./admin-token.ts";

export const backupToken: PhaseDef = {
  id: "2",
  title: "backup Gitea admin token",
  plan: async (ctx) => [ctx.config.backup ? await planToken(ctx, "backup") : { action: "skip", target: "backup Gitea", detail: "no backup: in migration.yaml" }],
  async run(ctx) {
    if (!ctx.config.backup) return;
    await ensureToken(ctx, "backup");
  },
  async check(ctx) {
    if (!ctx.config.backup) return [{ name: "backup Gitea", status: "ok", detail: "skipped: no backup: in migration.yaml" }];
    const user = await (await ctx.gitea("backup")).currentUser();
    return [{ name: "backup admin token", status: user.is_admin ? "ok" : "failed", detail: `${user.login}${user.is_admin ? " (admin)" : " is not an admin"}` }];
  },
  async teardown(ctx) {
    if (ctx.config.backup) await removeToken(ctx, "backup");
  },
};
