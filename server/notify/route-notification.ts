// Where a repo's sync notifications go. One sync produces at most one Slack post:
//
// 1. The repo's own `slack_webhook_url` wins. It is how a team sends its repo's messages to its
//    own channel (as in the Go bridge, where it overrides notification.slack.webhook_url); the
//    global bot channel does not get a copy, so nobody is told twice.
// 2. Otherwise a bot token with a channel: chat.postMessage is preferred over the global webhook.
//    It answers with an error code we can log (`channel_not_found`, `not_in_channel`), and it is
//    the same bot identity the Slack app uses for commands, so messages can later carry buttons.
//    The global webhook is then NOT used as well: both usually point at the same ops channel,
//    and a duplicate for every sync trains people to ignore the channel.
// 3. Otherwise `notification.slack.webhook_url`.
// 4. Nothing configured: no targets, no messages.
//
// A bot token without a channel (or a channel without a token) cannot post; it is skipped, and
// the global webhook is used if there is one.
import type { Config, RepoConfig } from "../config/types.ts";
import type { SlackTarget } from "./slack-sender.ts";

export function notificationTargets(config: Pick<Config, "notification">, repo: Pick<RepoConfig, "slackWebhookUrl">): SlackTarget[] {
  const slack = config.notification.slack;
  const repoWebhook = repo.slackWebhookUrl?.trim();
  if (repoWebhook) return [{ webhookUrl: repoWebhook }];
  const token = slack.botToken?.trim();
  const channel = slack.channel?.trim();
  if (token && channel) return [{ botToken: token, channel }];
  const webhook = slack.webhookUrl?.trim();
  if (webhook) return [{ webhookUrl: webhook }];
  return [];
}
