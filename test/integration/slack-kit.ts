// Signed Slack requests for the Slack app's tests, built from Slack's documented payloads
// (test/fixtures/slack) with only the fields that must point at this bridge filled in.
import { readFileSync } from "node:fs";
import { slackSignature } from "../harness/slack-api.ts";
import { transcript } from "./server-hosts.ts";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), "utf8"));
export const SLASH = fixture("slash-command.json") as Record<string, string>;
export const BLOCK_ACTIONS = fixture("block-actions.json");
export const VIEW_SUBMISSION = fixture("view-submission.json");

export interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown> | undefined;
  ms: number;
}

export async function postSigned(
  url: string,
  secret: string,
  body: string,
  contentType: string,
  o: { skewSeconds?: number; headers?: Record<string, string>; forge?: boolean } = {},
): Promise<Answer> {
  const ts = Math.floor(Date.now() / 1000) + (o.skewSeconds ?? 0);
  const sig = slackSignature(o.forge ? `${secret}-wrong` : secret, body, ts);
  const started = performance.now();
  const res = await fetch(`${url}/slack/events`, { method: "POST", headers: { "content-type": contentType, ...sig, ...o.headers }, body });
  const text = await res.text();
  transcript.push(text);
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, ms: performance.now() - started };
}

/** `/gitbridge <text>` from `user` in `channel`, as the documented form body. */
export function slashBody(text: string, user: string, channel: string, responseUrl: string): string {
  return new URLSearchParams({ ...SLASH, command: "/gitbridge", text, user_id: user, channel_id: channel, response_url: responseUrl }).toString();
}

export function slash(url: string, secret: string, text: string, user: string, channel: string, responseUrl: string, o = {}) {
  return postSigned(url, secret, slashBody(text, user, channel, responseUrl), "application/x-www-form-urlencoded", o);
}

/** A click on a button of a message the bridge posted (channel + ts), as a block_actions form. */
export function click(
  url: string,
  secret: string,
  b: { user: string; channel: string; ts: string; actionId: string; value: string; responseUrl: string },
  o: { headers?: Record<string, string>; skewSeconds?: number } = {},
) {
  const payload = structuredClone(BLOCK_ACTIONS);
  payload.user.id = b.user;
  payload.container = { type: "message", message_ts: b.ts, channel_id: b.channel, is_ephemeral: false };
  payload.channel.id = b.channel;
  payload.message.ts = b.ts;
  payload.response_url = b.responseUrl;
  payload.actions[0].action_id = b.actionId;
  payload.actions[0].value = b.value;
  payload.actions[0].block_id = "gitbridge_buttons";
  return postSigned(url, secret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded", o);
}

export function submitView(url: string, secret: string, o = {}) {
  return postSigned(url, secret, new URLSearchParams({ payload: JSON.stringify(VIEW_SUBMISSION) }).toString(), "application/x-www-form-urlencoded", o);
}
