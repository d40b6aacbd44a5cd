// The Slack message for one finished sync job: a pure function of the job, the repo's config and
// the sync result. No IO; slack-sender.ts delivers what this returns.
//
// What a message carries follows the seed (git-bridge-api-reference.md): repo, action, route,
// duration, target link, branch or tag, commit author, and a `Source: retry-api` line for retries
// (every other trigger gets its own Source line too). Failures carry the redacted error text.
import type { Config, Direction, RepoConfig } from "../config/types.ts";
import type { RefResult } from "../mirror/plan.ts";
import { redact } from "../mirror/redact.ts";
import type { SyncResult } from "../mirror/sync.ts";
import type { Job, Trigger } from "../queue/types.ts";
import {
  code,
  codeBlock,
  escapeMrkdwn,
  escapeTruncate,
  formatDuration,
  link,
  oneLine,
  packLines,
  shortSha,
  truncatePlain,
} from "./mrkdwn.ts";
import { repoWebUrl } from "./repo-web-url.ts";

export interface MrkdwnText {
  type: "mrkdwn";
  text: string;
}
export interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}
export type SlackBlock =
  | { type: "header"; text: PlainText }
  | { type: "section"; text?: MrkdwnText; fields?: MrkdwnText[] }
  | { type: "context"; elements: MrkdwnText[] }
  | { type: "actions"; block_id?: string; elements: ButtonElement[] };

/** A Block Kit button (the Slack app adds Retry / Force to notifications). */
export interface ButtonElement {
  type: "button";
  action_id: string;
  text: PlainText;
  value?: string;
  style?: "primary" | "danger";
  confirm?: {
    title: PlainText;
    text: PlainText;
    confirm: PlainText;
    deny: PlainText;
  };
}

export interface SlackMessage {
  /** Fallback for notifications and clients without blocks (still mrkdwn-parsed, so escaped). */
  text: string;
  blocks: SlackBlock[];
}

export interface CommitAuthor {
  name: string;
  email?: string;
}

export interface SyncMessageInput {
  job: Pick<Job, "id" | "request" | "attempts" | "state">;
  repo: RepoConfig;
  /** providers for names and links; secrets to redact the error text once more. */
  config: Pick<Config, "providers"> & Partial<Pick<Config, "secrets">>;
  durationMs: number;
  result?: SyncResult;
  /** Already redacted by the engine; redacted again here. */
  error?: string;
  /** Commit authors by SHA, for the new tips of created/updated refs. */
  authors?: Record<string, CommitAuthor>;
}

/** Block Kit limits (https://api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = { blocks: 50, fields: 10, fieldText: 2000, sectionText: 3000, headerText: 150 };
/** Refs listed by name before "…and N more". */
const LISTED = 10;

const QUIET = new Set<RefResult["action"]>(["unchanged", "filtered"]);
const S2T: Direction = "source-to-target";
const T2S: Direction = "target-to-source";

const SOURCE_LABEL: Record<Trigger, string> = {
  github: "github webhook",
  gitlab: "gitlab webhook",
  gitea: "gitea webhook",
  "retry-api": "retry-api",
  hook: "post-receive hook",
  sqs: "sqs (CodeCommit event)",
  slack: "slack command",
  reconcile: "scheduled reconcile",
  cli: "cli",
  demo: "demo",
};

interface Field {
  title: string;
  /** mrkdwn, escaped */
  value: string;
  /** one line for the fallback text, escaped */
  plain: string;
}

/** undefined: nothing to say (no ref changed and the job did not fail); echoes notify nobody. */
export function buildSyncMessage(input: SyncMessageInput): SlackMessage | undefined {
  const { job, repo } = input;
  const changed = (input.result?.refs ?? []).filter((r) => !QUIET.has(r.action));
  const failed = input.error !== undefined || job.state === "failed";
  if (!failed && changed.length === 0) return undefined;

  const secrets = input.config.secrets ?? [];
  // Defence in depth: the engine redacts already, but this text leaves the building.
  const clean = (text: string) => redact(text, secrets);
  const partial = !failed &&
    (job.state === "partial" || changed.some((r) => r.action === "diverged" || r.action === "rejected"));
  const headline = failed
    ? `❌ Mirror sync failed: ${repo.name}`
    : partial
    ? `⚠️ Mirror sync incomplete: ${repo.name}`
    : `✅ Mirror sync succeeded: ${repo.name}`;
  const source = `Source: ${SOURCE_LABEL[job.request.source] ?? job.request.source}`;

  const fields = buildFields(input, changed, failed);
  const lines = sortForReading(changed);
  const blockLines = lines.map((r) => changeLine(r, repo, clean, (s) => code(s)));
  const textLines = lines.map((r) => changeLine(r, repo, clean, (s) => escapeTruncate(s, 120)));

  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncatePlain(headline, SLACK_LIMITS.headerText), emoji: true } },
    {
      type: "section",
      fields: fields.slice(0, SLACK_LIMITS.fields).map((f) => ({
        type: "mrkdwn",
        text: truncatePlain(`*${f.title}*\n${f.value}`, SLACK_LIMITS.fieldText),
      })),
    },
  ];
  if (blockLines.length > 0) {
    const head = `*Changes* (${summary(changed)})\n`;
    blocks.push({ type: "section", text: { type: "mrkdwn", text: head + packLines(blockLines, SLACK_LIMITS.sectionText - head.length, LISTED) } });
  }
  const error = failed ? clean(input.error ?? "the sync failed without an error message") : undefined;
  if (error !== undefined) {
    const head = "*Error*\n";
    blocks.push({ type: "section", text: { type: "mrkdwn", text: head + codeBlock(error, SLACK_LIMITS.sectionText - head.length) } });
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: source }, { type: "mrkdwn", text: `Job ${code(job.id, 80)}` }] });

  const text = [
    escapeMrkdwn(truncatePlain(headline, 300)),
    ...fields.map((f) => `${f.title}: ${f.plain}`),
    source,
    ...(textLines.length ? [packLines(textLines.map((l) => `- ${l}`), 2000, LISTED)] : []),
    ...(error !== undefined ? [`Error: ${escapeTruncate(oneLine(error), 1000)}`] : []),
  ].join("\n");
  return { text, blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

function buildFields(input: SyncMessageInput, changed: RefResult[], failed: boolean): Field[] {
  const { job, repo } = input;
  const name = escapeTruncate(repo.name, 200);
  const action = job.request.source === "retry-api" ? "Retry" : "Mirror sync";
  const flow = flows(input, changed);
  const route = flow.known
    ? flow.dirs.map((d) => escapeMrkdwn(routeOf(repo, d))).join(", ")
    : escapeMrkdwn(`${repo.source} ⇄ ${repo.target}`);
  const fields: Field[] = [
    { title: "Repo", value: name, plain: name },
    { title: "Action", value: action, plain: action },
    { title: "Route", value: route, plain: route },
    { title: "Duration", value: formatDuration(input.durationMs), plain: formatDuration(input.durationMs) },
  ];
  const targets = flow.dirs.map((d) => targetOf(input, d));
  if (targets.length > 0) {
    fields.push({
      title: targets.length > 1 ? "Targets" : "Target",
      value: targets.map((t) => t.value).join("\n"),
      plain: targets.map((t) => t.plain).join(", "),
    });
  }
  fields.push(refsField(changed, job.request.ref));
  const authors = authorNames(changed, input.authors);
  if (authors.length > 0) {
    const list = packLines(authors.map((a) => escapeTruncate(a, 100)), 1500, 3, ", ");
    fields.push({ title: authors.length > 1 ? "Commit authors" : "Commit author", value: list, plain: list });
  }
  if (failed) fields.push({ title: "Attempts", value: String(job.attempts), plain: String(job.attempts) });
  return fields;
}

/** The directions refs actually flowed; else what the request or the repo allows. */
function flows(input: SyncMessageInput, changed: RefResult[]): { dirs: Direction[]; known: boolean } {
  const seen = new Set(changed.map((r) => r.direction).filter((d): d is Direction => d !== undefined));
  if (seen.size > 0) return { dirs: [S2T, T2S].filter((d) => seen.has(d)), known: true };
  for (const d of [input.result?.direction, input.job.request.direction, input.repo.direction]) {
    if (d === S2T || d === T2S) return { dirs: [d], known: true };
  }
  return { dirs: [S2T, T2S], known: false };
}

function routeOf(repo: RepoConfig, d: Direction): string {
  return d === S2T ? `${repo.source} → ${repo.target}` : `${repo.target} → ${repo.source}`;
}

function targetOf(input: SyncMessageInput, d: Direction): { value: string; plain: string } {
  const { repo } = input;
  const [providerName, path] = d === S2T ? [repo.target, repo.targetPath] : [repo.source, repo.sourcePath];
  const provider = input.config.providers.get(providerName);
  const url = provider ? repoWebUrl(provider, path) : undefined;
  const label = escapeTruncate(`${providerName}: ${path}`, 200);
  if (!url) return { value: label, plain: label };
  return { value: link(url, `${providerName}: ${path}`, 200), plain: escapeMrkdwn(url) };
}

type Kind = "branch" | "tag" | "ref";
const kindOf = (ref: string): Kind =>
  ref.startsWith("refs/heads/") ? "branch" : ref.startsWith("refs/tags/") ? "tag" : "ref";
const nameOf = (ref: string): string => (kindOf(ref) === "ref" ? ref : ref.replace(/^refs\/(heads|tags)\//, ""));

/** "Branch main", "Tags v1, v2", or a mixed list; a failed catch-up names no ref. */
function refsField(changed: RefResult[], requested: string | undefined): Field {
  const refs = changed.length > 0 ? changed.map((r) => r.ref) : requested ? [requested] : [];
  if (refs.length === 0) return { title: "Refs", value: "all in scope (catch-up)", plain: "all in scope (catch-up)" };
  const kinds = new Set(refs.map(kindOf));
  const kind = kinds.size === 1 ? [...kinds][0] : undefined;
  const single = { branch: "Branch", tag: "Tag", ref: "Ref" } as const;
  const plural = { branch: "Branches", tag: "Tags", ref: "Refs" } as const;
  const title = refs.length === 1 ? single[kind!] : kind ? plural[kind] : kinds.has("ref") ? "Refs" : "Branches and tags";
  const items = refs.map((r) => escapeTruncate(kind ? nameOf(r) : `${kindOf(r)} ${nameOf(r)}`, 150));
  return { title, value: packLines(items, 1800, LISTED), plain: packLines(items, 1000, LISTED, ", ") };
}

function authorNames(changed: RefResult[], authors: SyncMessageInput["authors"]): string[] {
  if (!authors) return [];
  const names: string[] = [];
  for (const r of changed) {
    if ((r.action !== "created" && r.action !== "updated") || !r.to) continue;
    const name = authors[r.to]?.name?.trim();
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

const ORDER: Record<string, number> = { rejected: 0, diverged: 1, deleted: 2, updated: 3, created: 4 };
/** What needs a human first: rejected, diverged, deleted, then rewrites, then the rest. */
function sortForReading(refs: RefResult[]): RefResult[] {
  const rank = (r: RefResult) => (r.action === "updated" && !r.reason && !r.backup ? 3.5 : ORDER[r.action] ?? 5);
  return refs.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map((x) => x.r);
}

function summary(refs: RefResult[]): string {
  const counts = new Map<string, number>();
  for (const r of refs) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  return ["created", "updated", "deleted", "diverged", "rejected"]
    .filter((a) => counts.has(a)).map((a) => `${counts.get(a)} ${a}`).join(", ");
}

/** One line per changed ref; `c` formats user-controlled values (code span or plain, escaped). */
function changeLine(r: RefResult, repo: RepoConfig, clean: (s: string) => string, c: (s: string) => string): string {
  const what = `${kindOf(r.ref)} ${c(nameOf(r.ref))}`;
  const sha = (x: string | null) => c(shortSha(x));
  const reason = r.reason ? escapeTruncate(clean(oneLine(r.reason)), 300) : "";
  const via = repo.direction === "bidirectional" && r.direction ? ` [${escapeMrkdwn(routeOf(repo, r.direction))}]` : "";
  const backup = r.backup ? `; old tip kept as ${c(r.backup)}` : "";
  switch (r.action) {
    case "created":
      return `🆕 ${what} created at ${sha(r.to)}${reason ? ` (${reason})` : ""}${via}`;
    case "updated":
      if (r.reason?.startsWith("forced")) return `❗ ${what} force-updated ${sha(r.from)} → ${sha(r.to)} (${reason})${backup}${via}`;
      if (r.reason || r.backup) {
        return `♻️ ${what} rewritten ${sha(r.from)} → ${sha(r.to)}${reason ? ` (${reason})` : ""}${backup}${via}`;
      }
      return `⬆️ ${what} updated ${sha(r.from)} → ${sha(r.to)}${via}`;
    case "deleted":
      return `🗑️ ${what} deleted (was ${sha(r.from)})${backup}${via}`;
    case "diverged":
      return `⚠️ diverged: ${what}, target at ${sha(r.from)}, source at ${sha(r.to)}: ${reason || "no reason given"}`;
    case "rejected":
      return `⛔ rejected: ${what} ${sha(r.from)} → ${sha(r.to)}: ${reason || "no reason given"}${via}`;
    default:
      return `${what} ${r.action}`;
  }
}
