// The Bolt app: one listener for the slash command (whatever the operator named it in Slack, e.g.
// /gitbridge), one per button, and an acknowledgement for view submissions. Every listener
// authorizes first; a refusal is an ephemeral denial plus an audit log line, and nothing runs.
import { App, type Receiver } from "@slack/bolt";
import type { Logger as SlackLogger } from "@slack/logger";
import type { BotContext } from "./context.ts";
import { authorize } from "./authorize.ts";
import { parseCommand } from "./commands/parse-command.ts";
import { retryCommand } from "./commands/retry.ts";
import { statusCommand } from "./commands/status.ts";
import { buttonClicked } from "./actions/buttons.ts";
import { FORCE_ACTION, RETRY_ACTION } from "./views/buttons.ts";
import { usageText } from "./views/usage.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { approvalClicked } from "./migration/approve.ts";
import { teardownSubmitted } from "./migration/teardown.ts";
import { APPROVE_ACTION, REJECT_ACTION, TEARDOWN_VIEW } from "./views/migration.ts";

export function createBoltApp(o: {
  token: string;
  receiver: Receiver;
  apiUrl: string;
  retries: number;
  logger: SlackLogger;
  context: () => BotContext;
}): App {
  const app = new App({
    token: o.token,
    receiver: o.receiver,
    // auth.test runs in the service's start(), not in this constructor.
    deferInitialization: true,
    logger: o.logger,
    clientOptions: { slackApiUrl: o.apiUrl, retryConfig: { retries: o.retries }, timeout: 10_000 },
  });

  app.command(/^\/.+/, async ({ command, ack, respond }) => {
    const ctx = o.context();
    const who = { user: command.user_id, channel: command.channel_id };
    const verdict = authorize(ctx.deps.config.slack, who, "run");
    const cmd = parseCommand(command.text ?? "");
    if (!verdict.ok) {
      ctx.audit({ ...who, what: `${command.command} ${cmd.kind}`, reason: verdict.reason });
      return ack({ response_type: "ephemeral", text: `🚫 Not allowed: ${verdict.reason}. Nothing was run.` });
    }
    switch (cmd.kind) {
      case "retry":
        return retryCommand(ctx, { repo: cmd.repo, ref: cmd.ref, direction: cmd.direction, ...who }, (r) => ack(r), respond);
      case "status":
        return statusCommand(ctx, cmd.repo, (r) => ack(r), respond);
      case "migrate":
        return migrateCommand(ctx, { action: cmd.action, phase: cmd.phase, user: command.user_id, channel: command.channel_id, triggerId: command.trigger_id }, (r) => ack(r), respond);
      case "help":
        return ack({ response_type: "ephemeral", text: usageText(command.command, cmd.unknown) });
    }
  });

  // A click: ack at once, then hand who clicked, where, the record id and Slack's retry number to
  // the handler, which re-checks everything against the stored record.
  const clickOf = (body: unknown, action: unknown, retryNum: number | undefined) => {
    const b = body as { user?: { id?: string }; channel?: { id?: string } };
    return {
      value: (action as { value?: unknown }).value,
      user: b.user?.id ?? "",
      ...(b.channel?.id ? { channel: b.channel.id } : {}),
      ...(retryNum !== undefined ? { retryNum } : {}),
    };
  };
  for (const [id, kind] of [[RETRY_ACTION, "retry"], [FORCE_ACTION, "force"]] as const) {
    app.action(id, async ({ ack, body, action, respond, context }) => {
      await ack();
      await buttonClicked(o.context(), { kind, ...clickOf(body, action, context.retryNum) }, respond);
    });
  }
  for (const [id, kind] of [[APPROVE_ACTION, "approve"], [REJECT_ACTION, "reject"]] as const) {
    app.action(id, async ({ ack, body, action, respond, context }) => {
      await ack();
      await approvalClicked(o.context(), { kind, ...clickOf(body, action, context.retryNum) }, respond);
    });
  }

  // The teardown modal: the answer (field errors, or close) goes back in the ack; the teardown
  // itself runs after it, as it takes longer than Slack's 3 s.
  app.view(TEARDOWN_VIEW, async ({ ack, body, view }) => {
    const r = await teardownSubmitted(o.context(), { recordId: view.private_metadata, user: body.user.id, values: view.state.values as never });
    await ack(r.answer);
    await r.after?.();
  });

  // Any other submission: close it instead of leaving the user with Slack's "we had some trouble
  // connecting".
  // (Bolt runs every matching listener: this one must not match the teardown modal too.)
  app.view(new RegExp(`^(?!${TEARDOWN_VIEW}$)`), async ({ ack, body }) => {
    o.context().deps.log.info("slack: view submission with no handler", { callback_id: body.view.callback_id, user: body.user.id });
    await ack({ response_action: "clear" });
  });
  return app;
}
