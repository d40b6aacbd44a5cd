// The steps between the bare route and the bridge in bench/webhook.bench.ts, to show where a
// delivery's time goes. They use the bridge's own verify, parse and match on the same kind of body
// read as its route (the node runtime's readBody), and answer 200 without queueing anything:
//   POST /verify<path>: read the body, check the HMAC
//   POST /parse<path>:  then parse the payload and match it to the configured repo
import type { Context, Hono } from "hono";
import type { Config } from "../server/config/types.ts";
import * as github from "../server/providers/github/webhook.ts";
import { matchDelivery } from "../server/providers/match.ts";
import { nodeRuntime } from "../server/runtime/node.ts";

export function addLadder(app: Hono, config: Config, secret: string, path: string): void {
  const verified = async (c: Context) => {
    const raw = await nodeRuntime.readBody!(c.env)!;
    if (!github.verify(raw, c.req.raw.headers, secret).ok) throw new Error("the ladder got a badly signed delivery");
    return raw;
  };
  app.post(`/verify${path}`, async (c) => (await verified(c), c.json({ status: "ok" })));
  app.post(`/parse${path}`, async (c) => {
    const delivery = github.parse(await verified(c), c.req.raw.headers);
    if (delivery.kind !== "push" || "ignored" in matchDelivery(config, delivery)) throw new Error("the ladder's delivery did not match");
    return c.json({ status: "ok" });
  });
}
