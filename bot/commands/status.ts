// `/gitbridge status [repo]`: acknowledged at once (reading 60 repos' advertisements takes longer
// than Slack's 3 s), then the summary goes to the requester through response_url.
import type { RespondFn } from "@slack/bolt";
import { closestRepoNames, repoNamed } from "../../server/config/find-repo.ts";
import { code, escapeTruncate } from "../../server/notify/mrkdwn.ts";
import type { BotContext } from "../context.ts";
import { statusMessage } from "../views/status.ts";

type Ephemeral = { response_type: "ephemeral"; text: string };

export async function statusCommand(
  ctx: BotContext,
  name: string | undefined,
  ack: (r?: Ephemeral) => Promise<void>,
  respond: RespondFn,
): Promise<void> {
  const { config } = ctx.deps;
  if (name !== undefined && !repoNamed(config, name)) {
    const closest = closestRepoNames(config, name);
    return ack({
      response_type: "ephemeral",
      text: `❌ unknown repo ${code(name, 80)}${closest.length ? `; did you mean ${closest.map((n) => code(n, 80)).join(", ")}?` : ""}`,
    });
  }
  await ack({ response_type: "ephemeral", text: `🔎 Reading the status of ${name ? code(name, 80) : `${config.repos.length} repos`}…` });
  try {
    const repos = await ctx.status.list(name ? [name] : undefined);
    const m = statusMessage(repos, ctx.status.queueDepth(), ctx.deps.clock.now());
    await respond({ response_type: "ephemeral", replace_original: true, text: m.text, blocks: m.blocks as never });
  } catch (err) {
    await respond({ response_type: "ephemeral", text: `❌ status failed: ${escapeTruncate(ctx.deps.redact(String(err)), 1000)}` });
  }
}
