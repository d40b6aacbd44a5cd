// The status page as HTML: escaped values (an error text is data, never markup), the state filter
// as links, a meta refresh, and status.token through a Basic challenge a browser can answer.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import type { RepoConfig } from "../config/types.ts";
import { createSnapshot } from "../status/snapshot.ts";
import { lagText, statusPageRoutes } from "./status-page.ts";

const repo = (name: string): RepoConfig => ({
  name, source: "s", target: "t", sourcePath: "p", targetPath: "q", direction: "source-to-target",
  refOverrides: [], refsInclude: [], refsExclude: [], prune: false, onDivergence: "skip",
});

function setup(token?: string) {
  const snapshot = createSnapshot({ repos: [repo("app"), repo("docs")] }, (s) => s);
  snapshot.recordCheckError("docs", `remote said <img src=x onerror="alert(1)"> & left`, new Date("2026-03-02T10:00:00Z"));
  snapshot.recordCheck({ repo: "app", direction: "source-to-target", state: "in_sync", refs: [] }, new Date("2026-03-02T10:00:00Z"));
  const app = statusPageRoutes({ token, status: { snapshot, queueStats: () => ({ queued: 0, running: 0 }), now: () => new Date("2026-03-02T10:05:00Z") } });
  return app;
}

describe("GET / (status page)", () => {
  it("escapes every value and offers the filter as links", async () => {
    const res = await setup().request("/");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const body = await res.text();
    assert.ok(!body.includes("<img"), "an error text is never markup");
    assert.ok(body.includes("remote said &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; left"));
    assert.match(body, /<meta http-equiv="refresh" content="30">/);
    assert.match(body, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(body, /<a href="\/\?state=unknown" class="f">unknown \(1\)<\/a>/);
    assert.ok(!body.includes("<script"), "works without JavaScript");
  });

  it("filters by state, and says what is wrong with a bad filter", async () => {
    const only = await (await setup().request("/?state=in_sync")).text();
    assert.ok(only.includes('data-repo="app"') && !only.includes('data-repo="docs"'));
    const bad = await setup().request("/?state=%3Cb%3E");
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /unknown state &quot;&lt;b&gt;&quot;: use one or more of/);
  });

  it("with status.token: a Basic challenge; the token as password or as Bearer opens it", async () => {
    const app = setup("page-token-1");
    const denied = await app.request("/");
    assert.equal(denied.status, 401);
    assert.match(denied.headers.get("www-authenticate") ?? "", /^Basic realm="git-bridge status"/);
    const basic = (pw: string) => ({ authorization: `Basic ${Buffer.from(`anyone:${pw}`).toString("base64")}` });
    assert.equal((await app.request("/", { headers: basic("page-token-1") })).status, 200);
    assert.equal((await app.request("/", { headers: basic("wrong") })).status, 401);
    assert.equal((await app.request("/", { headers: { authorization: "Bearer page-token-1" } })).status, 200);
  });

  it("lag reads like a person would say it", () => {
    assert.deepEqual([null, 0, 42, 600, 7_260, 190_000].map(lagText), ["never confirmed", "none", "42s", "10m", "2h 1m", "2d 4h"]);
  });
});
