// Real webhook payloads for the bridge-server tests, signed as their senders sign them. Only the
// repository URL / name fields (and, where a test needs another branch, the ref) are changed, so
// that the host in the payload is the test git server's and the bridge's host matching applies.
// payloadMirrorsYaml is the config that mirrors the repos they name.
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { configYaml, mirrorRepo, SECRETS_YAML, standardProviders } from "./server-config.ts";
import { CANARY, type Hosts } from "./server-hosts.ts";
import { call } from "./server-http.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;
const require = createRequire(import.meta.url);
const githubExamples: Array<{ name: string; examples: Json[] }> = require("@octokit/webhooks-examples");
export const githubExample = (event: string, pick: (p: Json) => boolean = () => true): Json => {
  const found = githubExamples.find((e) => e.name === event)?.examples.find(pick);
  if (!found) throw new Error(`@octokit/webhooks-examples has no matching ${event} example`);
  return structuredClone(found);
};

/** The source repo paths the payloads name (GitHub's example, the GitLab and Gitea fixtures). */
export const GH = "Codertocat/Hello-World";
export const GL = "mike/diaspora";
export const GT = "gitea/webhooks";

/**
 * The webhook tests' config: the repos the real payloads name (GH, GL, GT) mirrored to gh-app,
 * gl-app and gitea-app, the secrets, and GitHub's own payload cap (25 MB).
 */
export function payloadMirrorsYaml(hosts: Hosts): string {
  return configYaml({
    providers: standardProviders(hosts),
    repos: [mirrorRepo("gh-app", "gh", GH), mirrorRepo("gl-app", "gl", GL), mirrorRepo("gitea-app", "gt", GT)],
    top: SECRETS_YAML.replace("webhook:\n", "webhook:\n  max_body_size_mb: 25\n"),
  });
}

const fixture = (p: string) => readFile(new URL(`../fixtures/webhooks/${p}`, import.meta.url), "utf8");
const enc = new TextEncoder();

/**
 * GitHub `push` (the real "branch created" example, refs/heads/master of Codertocat/Hello-World):
 * repository.html_url is moved to `baseUrl`; full_name/name and ref only when a test asks.
 */
export function githubPush(baseUrl: string, o: { fullName?: string; ref?: string } = {}): Uint8Array {
  const p = githubExample("push", (x) => x.ref === "refs/heads/master" && x.created === true);
  if (o.fullName) {
    p.repository.full_name = o.fullName;
    p.repository.name = o.fullName.split("/").pop();
  }
  p.repository.html_url = `${baseUrl}/${p.repository.full_name}`;
  if (o.ref) p.ref = o.ref;
  return enc.encode(JSON.stringify(p));
}

/**
 * GitLab "Push Hook" fixture (mike/diaspora, refs/heads/master). Its http://example.com/ URLs
 * (project.web_url and the other repository/commit URLs) are moved to `baseUrl`; everything else
 * keeps the documented bytes.
 */
export async function gitlabPush(baseUrl: string, o: { path?: string } = {}): Promise<Uint8Array> {
  let text = (await fixture("gitlab/push.json")).split("http://example.com/").join(`${baseUrl}/`);
  if (o.path) text = text.split("mike/diaspora").join(o.path);
  return enc.encode(text);
}

/**
 * Gitea `push` fixture (gitea/webhooks, refs/heads/develop). Its http://localhost:3000/ URLs
 * (repository.html_url, clone_url, compare and commit URLs) are moved to `baseUrl`; a test that
 * needs another repo changes repository.full_name/name too.
 */
export async function giteaPush(baseUrl: string, o: { fullName?: string; ref?: string } = {}): Promise<Uint8Array> {
  let text = (await fixture("gitea/push.json")).split("http://localhost:3000/").join(`${baseUrl}/`);
  if (!o.fullName && !o.ref) return enc.encode(text);
  const p = JSON.parse(text) as Json;
  if (o.fullName) {
    p.repository.full_name = o.fullName;
    p.repository.name = o.fullName.split("/").pop();
    p.repository.html_url = `${baseUrl}/${o.fullName}`;
  }
  if (o.ref) p.ref = o.ref;
  text = JSON.stringify(p);
  return enc.encode(text);
}

export const hmacHex = (secret: string, raw: Uint8Array | string) => createHmac("sha256", secret).update(raw).digest("hex");

export function githubHeaders(raw: Uint8Array, o: { delivery: string; event?: string; secret?: string | null }): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/044aadd",
    "x-github-event": o.event ?? "push",
    "x-github-delivery": o.delivery,
  };
  const secret = o.secret === undefined ? CANARY.GH_SECRET : o.secret;
  if (secret !== null) h["x-hub-signature-256"] = `sha256=${hmacHex(secret, raw)}`;
  return h;
}

export function gitlabHeaders(o: { key?: string; event?: string; token?: string | null }): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitLab/15.5.0-pre",
    "x-gitlab-event": o.event ?? "Push Hook",
  };
  if (o.key) h["idempotency-key"] = o.key;
  const token = o.token === undefined ? CANARY.GL_SECRET : o.token;
  if (token !== null) h["x-gitlab-token"] = token;
  return h;
}

export function giteaHeaders(raw: Uint8Array, o: { delivery: string; event?: string; secret?: string | null }): Record<string, string> {
  const secret = o.secret === undefined ? CANARY.GITEA_SECRET : o.secret;
  const sig = secret === null ? "" : hmacHex(secret, raw);
  return {
    "content-type": "application/json",
    "x-gitea-delivery": o.delivery,
    "x-gitea-event": o.event ?? "push",
    "x-gitea-event-type": o.event ?? "push",
    ...(secret === null ? {} : { "x-gitea-signature": sig, "x-hub-signature-256": `sha256=${sig}` }),
  };
}

export function postHook(base: string, provider: "github" | "gitlab" | "gitea", raw: Uint8Array | string, headers: Record<string, string>) {
  return call(`${base}/webhook/${provider}`, { method: "POST", headers, body: raw as BodyInit });
}
