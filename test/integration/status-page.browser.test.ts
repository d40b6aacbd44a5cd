// The status page in a real browser (Debian's chromium driven by playwright-core, JavaScript
// off): what a person sees — every repo with its state, the failing repo's redacted error, the
// filter by state — agrees with the snapshot, and the page fits a phone. Screenshots go to
// test-output/. No browser: a clear skip locally, a failure in CI (.ci/run installs chromium).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { workTree } from "../harness/git-cli.ts";
import { CANARY, configYaml, findCanaries, type Hosts, mirrorRepo, standardProviders, startHosts } from "./server-kit.ts";
import { queueIdle, type ScheduledBridge, startScheduledBridge } from "./reconcile-kit.ts";

const CHROMIUM = "/usr/bin/chromium";
const OUT = join(new URL("../..", import.meta.url).pathname, "test-output");
const TOKEN = "canary-pagetoken-4d3c2b1a0f9e8d7c";
const hasBrowser = await access(CHROMIUM).then(() => true, () => false);
if (!hasBrowser && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install it (apt-get install -y chromium; see .ci/run)`);
const skip = hasBrowser ? false : `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run the page test`;

describe("status page in chromium", { skip }, () => {
  let hosts: Hosts;
  let b: ScheduledBridge;
  let browser: Browser;

  before(async () => {
    hosts = await startHosts("gb-page-");
    hosts.env.STATUS_TOKEN = TOKEN;
    await hosts.createRepos(["team/app", "team/split", "team/locked"], ["app", "split", "locked"]);
    const app = await hosts.sourceTree("wt-app", "team/app");
    await app.commit("app");
    await app.push("main");
    const split = await hosts.sourceTree("wt-split", "team/split");
    await split.commit("base");
    await split.push("main");
    b = await startScheduledBridge(hosts, configYaml({
      providers: standardProviders(hosts),
      repos: [mirrorRepo("app", "gt", "team/app"), mirrorRepo("split", "gt", "team/split"), mirrorRepo("locked", "gt", "team/locked", { target: "dst-wrong" })],
      reconcile: true,
      top: `status:\n  token: "\${STATUS_TOKEN}"\n`,
    }), "work");
    await b.sweep();
    await queueIdle(b);
    const dst = await workTree(join(hosts.dir, "wt-split-dst"), hosts.target.authedUrl("mirror/split"));
    await dst.git("fetch", "--quiet", "origin", "main");
    await dst.git("checkout", "--quiet", "-B", "main", "FETCH_HEAD");
    await dst.commit("target only");
    await dst.push("main");
    await split.commit("source only");
    await split.push("main");
    await b.sweep();
    await queueIdle(b);
    await mkdir(OUT, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  });

  after(async () => {
    await browser?.close();
    await b?.stop(2_000);
    await hosts?.close();
  });

  const open = async (viewport = { width: 1100, height: 700 }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport, httpCredentials: { username: "ops", password: TOKEN } });
    return { context, page: await context.newPage() };
  };

  test("every repo with its state, last sync, lag and redacted error, as the snapshot has it", async () => {
    const { context, page } = await open();
    const res = await page.goto(b.url);
    assert.equal(res?.status(), 200);
    assert.equal(await page.title(), "git-bridge status");
    const rows = page.locator("tbody tr");
    const seen = await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => (td as HTMLElement).innerText.trim())));
    const expected = b.bridge.snapshot.list();
    assert.deepEqual(seen.map((r) => r[0]), expected.map((r) => r.repo));
    const label = { in_sync: "in sync", behind: "behind", ahead: "ahead", diverged: "diverged", unknown: "unknown" };
    assert.deepEqual(seen.map((r) => r[1].split(" (")[0]), expected.map((r) => label[r.state]));
    assert.deepEqual(expected.map((r) => r.state), ["in_sync", "diverged", "unknown"]);
    assert.match(seen[0][2], /^succeeded · 2026-03-02 10:10:00 UTC · reconcile$/);
    assert.equal(seen[0][3], "none");
    assert.equal(seen[1][1], "diverged (1 diverged)");
    assert.match(seen[2][4], /authentication failed for http:\/\/127\.0\.0\.1:\d+\/mirror\/locked\.git/);
    const text = await page.locator("body").innerText();
    assert.deepEqual(findCanaries(text), [], "no credential on the page");
    assert.ok(!text.includes(CANARY.WRONG_PASS));
    assert.equal(await page.locator('meta[http-equiv="refresh"]').getAttribute("content"), "30");
    await page.screenshot({ path: join(OUT, "status-page.png"), fullPage: true });
    await context.close();
  });

  test("the filter by state is a link a person clicks", async () => {
    const { context, page } = await open();
    await page.goto(b.url);
    await page.getByRole("link", { name: "diverged (1)" }).click();
    assert.match(page.url(), /\/\?state=diverged$/);
    assert.deepEqual(await page.locator("tbody tr td:first-child").allInnerTexts(), ["split"]);
    assert.equal(await page.getByRole("link", { name: "diverged (1)" }).getAttribute("aria-current"), "page");
    await page.getByRole("link", { name: "all (3)" }).click();
    assert.equal(await page.locator("tbody tr").count(), 3);
    await context.close();
  });

  test("readable on a phone: no sideways scrolling, each repo a card", async () => {
    const { context, page } = await open({ width: 390, height: 844 });
    await page.goto(b.url);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    assert.equal(await page.locator("thead").isVisible(), false);
    const card = page.locator("tbody tr").nth(2);
    assert.match(await card.innerText(), /^locked\nunknown\nnone since start\nnever confirmed\nauthentication failed/);
    // Each cell is a line of the card, labelled by its column (CSS ::before from data-label).
    const cell = card.locator('td[data-label="Last error"]');
    assert.equal(await cell.evaluate((td) => getComputedStyle(td).display), "block");
    assert.match(await cell.evaluate((td) => getComputedStyle(td, "::before").content), /Last error|attr\(data-label\)/);
    await page.screenshot({ path: join(OUT, "status-page-phone.png"), fullPage: true });
    await context.close();
  });

  test("with a wrong token the browser is refused, and sees no repo", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, httpCredentials: { username: "ops", password: "not-the-token" } });
    const page = await context.newPage();
    const res = await page.goto(b.url);
    assert.equal(res?.status(), 401);
    assert.match(await page.locator("body").innerText(), /status page needs the status token/);
    assert.ok(!(await page.content()).includes("split"));
    await context.close();
  });
});
