// The admin token of a Gitea (phases 1 and 2). A token given in migration.yaml is used as is.
// Otherwise one named "git-bridge-migration" is created with the admin password (basic auth) and
// its value goes to the secret store, never to the state file. Gitea shows a token's value only
// at creation, so a token of that name we cannot read is an error with a remedy, not a duplicate.
import { BridgeError } from "../../../server/errors.ts";
import { type Side, TOKEN_SECRET } from "../context.ts";
import { findCreated, type PhaseContext, type PlanItem } from "./phase.ts";

export const TOKEN_NAME = "git-bridge-migration";

const serverConfig = (ctx: PhaseContext, side: Side) => (side === "primary" ? ctx.config.gitea : ctx.config.backup!);
const key = (ctx: PhaseContext, side: Side) => ({ kind: "token", server: side, id: `${serverConfig(ctx, side).admin_user}/${TOKEN_NAME}` }) as const;

export async function planToken(ctx: PhaseContext, side: Side): Promise<PlanItem> {
  const label = `${side} Gitea admin token`;
  if (serverConfig(ctx, side).token) return { action: "keep", target: label, detail: "given in migration.yaml" };
  if (await ctx.secrets.get(TOKEN_SECRET[side])) return { action: "keep", target: label, detail: `created earlier, kept in ${ctx.secrets.mode === "file" ? ctx.config.secretsFile : "your records"}` };
  return { action: "create", target: label, detail: `"${TOKEN_NAME}" for ${serverConfig(ctx, side).admin_user}, from the admin password` };
}

export async function ensureToken(ctx: PhaseContext, side: Side): Promise<void> {
  const s = serverConfig(ctx, side);
  if (s.token || await ctx.secrets.get(TOKEN_SECRET[side])) return;
  const basic = ctx.adminBasic(side);
  const client = ctx.giteaNoToken(side);
  const existing = (await client.listTokens(s.admin_user, basic)).find((t) => t.name === TOKEN_NAME);
  const k = key(ctx, side);
  if (existing) {
    // Ours from an interrupted run (recorded intent, value never delivered) or someone else's:
    // either way its value cannot be read back. Replace ours; never touch theirs.
    const record = findCreated(ctx.phase, k);
    if (record?.state === "created") {
      throw new BridgeError(
        "token-lost",
        `the ${side} Gitea token this toolkit created was printed once and is not configured: set ${side === "primary" ? "gitea" : "backup"}.token in ${ctx.config.path} to it (or tear this phase down and run it again)`,
      );
    }
    if (!record) {
      throw new BridgeError(
        "token-exists",
        `${side} Gitea user ${s.admin_user} already has a token named "${TOKEN_NAME}" that this toolkit did not create; put its value in ${side === "primary" ? "gitea" : "backup"}.token, or delete it in Gitea's settings`,
      );
    }
    await client.deleteToken(s.admin_user, String(existing.id), basic);
  }
  if (!findCreated(ctx.phase, k)) ctx.phase.created.push({ ...k, state: "intended" });
  await ctx.save();
  const token = await client.createToken(s.admin_user, TOKEN_NAME, basic);
  if (!token.sha1) throw new BridgeError("token", `${side} Gitea created the token but did not return its value`);
  ctx.addSecret(token.sha1);
  await ctx.secrets.put(TOKEN_SECRET[side], token.sha1, `set ${side === "primary" ? "gitea" : "backup"}.token to it in ${ctx.config.path}`);
  findCreated(ctx.phase, k)!.state = "created";
  await ctx.save();
}

export async function removeToken(ctx: PhaseContext, side: Side): Promise<void> {
  const k = key(ctx, side);
  if (!findCreated(ctx.phase, k)) return;
  const s = serverConfig(ctx, side);
  const basic = ctx.adminBasic(side);
  const client = ctx.giteaNoToken(side);
  const token = (await client.listTokens(s.admin_user, basic)).find((t) => t.name === TOKEN_NAME);
  if (token) await client.deleteToken(s.admin_user, String(token.id), basic);
  await ctx.secrets.remove(TOKEN_SECRET[side]);
  ctx.phase.created = ctx.phase.created.filter((r) => !(r.kind === k.kind && r.server === k.server && r.id === k.id));
  await ctx.save();
}
