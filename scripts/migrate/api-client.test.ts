import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient, linkNext } from "./api-client.ts";
import { retryDelayMs } from "./rate-limit.ts";

const deps = (fetch: typeof globalThis.fetch) => ({ fetch, sleep: async () => {}, now: () => 1_000_000 });
const json = (body: unknown, headers: Record<string, string> = {}, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

test("linkNext reads rel=next among other relations", () => {
  assert.equal(linkNext('<https://g/x?page=2>; rel="next", <https://g/x?page=5>; rel="last"'), "https://g/x?page=2");
  assert.equal(linkNext('<https://g/x?page=1>; rel="first", <https://g/x?page=3>; rel="next"'), "https://g/x?page=3");
  assert.equal(linkNext('<https://g/x?page=5>; rel="last"'), undefined);
  assert.equal(linkNext(null), undefined);
});

test("retryDelayMs: Retry-After seconds or date, X-RateLimit-Reset, bare 429; a plain 403 is no rate limit", () => {
  const now = Date.parse("2026-12-05T06:00:00Z");
  assert.equal(retryDelayMs(429, new Headers({ "retry-after": "7" }), now), 7000);
  assert.equal(retryDelayMs(403, new Headers({ "retry-after": "Sat, 05 Dec 2026 06:00:10 GMT" }), now), 10_000);
  assert.equal(retryDelayMs(403, new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 60) }), now), 61_000);
  assert.equal(retryDelayMs(403, new Headers({ "x-ratelimit-remaining": "12", "x-ratelimit-reset": String(now / 1000 + 60) }), now), undefined);
  assert.equal(retryDelayMs(403, new Headers(), now), undefined);
  assert.equal(retryDelayMs(429, new Headers(), now), 60_000);
  assert.equal(retryDelayMs(500, new Headers({ "retry-after": "1" }), now), undefined);
});

test("list() pages on x-total-count when a server sends no Link header", async () => {
  const seen: string[] = [];
  const client = new ApiClient({
    name: "Gitea",
    baseUrl: "https://g.test/api/v1",
    deps: deps(async (url) => {
      const u = new URL(String(url));
      seen.push(u.search);
      const page = Number(u.searchParams.get("page"));
      const items = Array.from({ length: page < 3 ? 50 : 7 }, (_, i) => (page - 1) * 50 + i);
      return json(items, { "x-total-count": "107" });
    }),
  });
  const all = await client.list<number>("/admin/runners");
  assert.equal(all!.length, 107);
  assert.deepEqual(seen, ["?page=1&limit=50", "?page=2&limit=50", "?page=3&limit=50"]);
});

test("list() never sends the token to a Link on another origin: it takes the page number, or refuses", async () => {
  const hosts: string[] = [];
  const client = new ApiClient({
    name: "Gitea",
    baseUrl: "https://g.test/api/v1",
    authorization: "token CANARY-token-xyz",
    deps: deps(async (url) => {
      const u = new URL(String(url));
      hosts.push(`${u.host}${u.pathname}?${u.searchParams.get("page")}`);
      // Like a Gitea whose ROOT_URL is not the internal URL the toolkit talks to.
      return u.searchParams.get("page") === "1" ? json([1], { link: '<https://public.test/api/v1/x?page=2&limit=50>; rel="next"' }) : json([2]);
    }),
  });
  assert.deepEqual(await client.list("/x"), [1, 2]);
  assert.deepEqual(hosts, ["g.test/api/v1/x?1", "g.test/api/v1/x?2"]);
  const cursor = new ApiClient({
    name: "GitHub",
    baseUrl: "https://api.test",
    deps: deps(async () => json([1], { link: '<https://evil.test/x?after=abc>; rel="next"' })),
  });
  await assert.rejects(cursor.list("/x"), /pagination Link points to https:\/\/evil\.test\/x, not https:\/\/api\.test\/x; refusing to send the token there/);
});

test("a POST is not resent after a 5xx (it may have created the resource); a GET is", async () => {
  let calls = 0;
  const client = new ApiClient({ name: "Gitea", baseUrl: "https://g.test", deps: deps(async () => (calls++, json({ message: "boom" }, {}, 503))) });
  await assert.rejects(client.request("POST", "/orgs", { body: {} }), /Gitea answered 503 to POST \/orgs: boom/);
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(client.request("GET", "/orgs/x"), /503/);
  assert.equal(calls, 6);
});

test("a rate-limit reset further away than maxWaitMs fails and says when to resume", async () => {
  const client = new ApiClient({
    name: "GitHub",
    baseUrl: "https://api.test",
    maxWaitMs: 60_000,
    deps: deps(async () => json({ message: "rate" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(1_000_000 / 1000 + 7200) }, 403)),
  });
  await assert.rejects(client.request("GET", "/user"), /GitHub rate limit: the limit resets at .*run the same command again after that/);
});

test("a redirect is reported, not followed (the token would go with it)", async () => {
  let calls = 0;
  const client = new ApiClient({
    name: "Gitea",
    baseUrl: "https://g.test/api/v1",
    authorization: "token CANARY-token-xyz",
    deps: deps(async () => (calls++, new Response(null, { status: 301, headers: { location: "https://g.test/api/v1/repos/acme/renamed" } }))),
  });
  await assert.rejects(client.find("/repos/acme/app"), /Gitea answered 301 to GET \/api\/v1\/repos\/acme\/app, redirecting to https:\/\/g\.test\/api\/v1\/repos\/acme\/renamed: a renamed resource, or a wrong URL/);
  assert.equal(calls, 1);
});

test("a server that stops answering times out; a GET is retried, then the error names the server", async (t) => {
  let calls = 0;
  const hang: typeof fetch = (_url, init) => {
    calls++;
    return new Promise((_resolve, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason)));
  };
  const client = new ApiClient({ name: "Gitea", baseUrl: "https://g.test", timeoutMs: 20, maxRetries: 2, deps: deps(hang) });
  // AbortSignal.timeout's timer does not hold the event loop open (a real socket would).
  const keepAlive = setInterval(() => {}, 1000);
  t.after(() => clearInterval(keepAlive));
  await assert.rejects(client.request("GET", "/version"), /Gitea unreachable \(GET \/version\): .*timeout|Gitea unreachable \(GET \/version\): .*aborted/i);
  assert.equal(calls, 3);
});
