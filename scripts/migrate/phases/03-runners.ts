// Phase 3: the runner registration token (to the secret store, for act_runner) and the runners
// online. Gitea hands out its current registration token on GET, so nothing is created on the
// server; teardown only forgets the token. Listing runners needs a newer Gitea: probed.
import type { CheckItem, PhaseContext, PhaseDef } from "./phase.ts";

const SECRET = "runner.registration_token";
const RECORD = { kind: "secret", server: "primary", id: SECRET } as const;
const recorded = (ctx: PhaseContext) => ctx.phase.created.some((r) => r.kind === RECORD.kind && r.id === RECORD.id);

async function runnerCheck(ctx: PhaseContext): Promise<CheckItem> {
  const probe = await (await ctx.gitea()).listRunners();
  if (!probe.supported) {
    return { name: "runners online", status: "unverified", detail: "this Gitea has no GET /admin/runners (added in newer versions): check Site Administration → Runners" };
  }
  const online = probe.value.filter((r) => r.status === "online" || r.status === "idle" || r.status === "active");
  return online.length
    ? { name: "runners online", status: "ok", detail: online.map((r) => r.name).join(", ") }
    : { name: "runners online", status: "failed", detail: `none of ${probe.value.length} runners is online: register one with act_runner and the registration token` };
}

export const runners: PhaseDef = {
  id: "3",
  title: "runner registration token and runners online",
  plan: async (ctx) => [
    recorded(ctx)
      ? { action: "keep", target: "runner registration token", detail: "fetched earlier" }
      : { action: "create", target: "runner registration token", detail: ctx.secrets.mode === "file" ? `stored in ${ctx.config.secretsFile}` : "printed once" },
    { action: "verify", target: "runners online" },
  ],
  async run(ctx) {
    if (!recorded(ctx)) {
      const token = await (await ctx.gitea()).runnerRegistrationToken();
      ctx.addSecret(token);
      await ctx.secrets.put(SECRET, token, "pass it to `act_runner register --token`");
      ctx.phase.created.push({ ...RECORD, state: "created" });
      await ctx.save();
    }
    const runnersNow = await runnerCheck(ctx);
    ctx.progress(`runners: ${runnersNow.status}${runnersNow.detail ? ` (${runnersNow.detail})` : ""}`);
  },
  async check(ctx) {
    const token = await (await ctx.gitea()).runnerRegistrationToken();
    return [{ name: "registration token", status: token ? "ok" : "failed", detail: token ? "available" : "Gitea returned none" }, await runnerCheck(ctx)];
  },
  async teardown(ctx) {
    if (!recorded(ctx)) return;
    await ctx.secrets.remove(SECRET);
    ctx.phase.created = ctx.phase.created.filter((r) => r.id !== SECRET);
    await ctx.save();
  },
};
