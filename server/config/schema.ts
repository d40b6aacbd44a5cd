// The shape of config.yaml after `${VAR}` expansion (snake_case, as the Go bridge wrote it).
// Every message is the tail of a sentence that starts with the setting's path, e.g.
// "repos[0].direction" + " must be one of … (got "both")"; issues.ts adds file:line:col.
// Cross-field rules (provider references, URLs, paths, overrides) live in check-*.ts.
import * as v from "valibot";

export const PROVIDER_TYPES = ["github", "gitlab", "codecommit", "gitea", "git"] as const;
export const DIRECTIONS = ["source-to-target", "target-to-source"] as const;
export const REPO_DIRECTIONS = [...DIRECTIONS, "bidirectional"] as const;
export const ENGINES = ["native", "isomorphic", "auto"] as const;
export const DIVERGENCE = ["skip", "force"] as const;

/** How a value reads in a message: strings quoted, containers by kind. */
export function show(input: unknown): string {
  if (input === undefined || input === null) return "nothing";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "string") return JSON.stringify(input);
  return String(input);
}
const got = (issue: { input: unknown }) => ` (got ${show(issue.input)})`;

// Scalars are lenient where Go was: yaml.v3 decodes a plain number into a string field, and the
// Go bridge expanded ${VAR} before parsing, so `port: ${PORT}` was a number there — here it is
// the string "8080", which numeric settings therefore accept.
const text = () =>
  v.pipe(
    v.custom<string | number>(
      (x) => typeof x === "string" || (typeof x === "number" && Number.isFinite(x)),
      (i) => `must be a string${got(i)}`,
    ),
    v.transform((x) => String(x)),
  );

const bool = () =>
  v.pipe(
    v.custom<boolean | string>(
      (x) => typeof x === "boolean" || x === "true" || x === "false",
      (i) => `must be true or false${got(i)}`,
    ),
    v.transform((x) => x === true || x === "true"),
  );

const int = (min: number, max: number) =>
  v.pipe(
    v.custom<number | string>((x) => {
      const n = typeof x === "string" && /^[0-9]+$/.test(x) ? Number(x) : x;
      return typeof n === "number" && Number.isInteger(n) && n >= min && n <= max;
    }, (i) => `must be an integer from ${min} to ${max}${got(i)}`),
    v.transform((x) => Number(x)),
  );

/** Case-insensitive like the Go bridge (it lower-cased direction), normalised to lower case. */
const oneOf = <T extends string>(options: readonly T[]) =>
  v.pipe(
    v.custom<string>(
      (x) => typeof x === "string" && (options as readonly string[]).includes(x.toLowerCase()),
      (i) => `must be one of ${options.join(", ")}${got(i)}`,
    ),
    v.transform((x) => x.toLowerCase() as T),
  );

// valibot's object() and record() accept arrays, so a mapping is checked to be one first.
const isMapping = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);
const mappingOnly = (what: string) =>
  v.custom<Record<string, unknown>>(isMapping, (i) => `must be ${what}${got(i)}`);

/** A mapping; `hints` finish the "is required" message of a missing key. */
const mapping = <E extends v.ObjectEntries>(entries: E, hints: Record<string, string> = {}) =>
  v.pipe(
    mappingOnly("a mapping"),
    v.object(entries, (issue) => {
      const key = String(issue.path?.[issue.path.length - 1]?.key ?? "");
      return `is required${hints[key] ? ` (${hints[key]})` : ""}`;
    }),
  );

const list = <T extends v.GenericSchema>(item: T) => v.array(item, (i) => `must be a list${got(i)}`);

const ignored = v.optional(v.unknown());

export const ProviderSchema = mapping({
  type: oneOf(PROVIDER_TYPES),
  base_url: v.optional(text()),
  region: v.optional(text()),
  // codecommit: the AWS account the repositories live in; CodeCommit events from another account
  // are not this provider's.
  account_id: v.optional(text()),
  credentials: v.optional(
    mapping({
      token: v.optional(text()),
      git_username: v.optional(text()),
      git_password: v.optional(text()),
      username: v.optional(text()),
    }),
    {},
  ),
  allow_insecure_http: v.optional(bool(), false),
  allow_private_network: v.optional(bool(), false),
}, { type: `one of ${PROVIDER_TYPES.join(", ")}` });

const RefOverrideSchema = mapping({ pattern: text(), from: text(), to: text() }, {
  pattern: "a glob on the short ref name, e.g. release-*",
  from: "the provider name refs matching the pattern are mirrored from",
  to: "the provider name refs matching the pattern are mirrored to",
});

export const RepoSchema = mapping({
  name: text(),
  source: text(),
  target: text(),
  source_path: text(),
  target_path: text(),
  direction: v.optional(oneOf(REPO_DIRECTIONS), "source-to-target"),
  retry_direction: v.optional(oneOf(DIRECTIONS)),
  ref_overrides: v.optional(list(RefOverrideSchema), []),
  slack_webhook_url: v.optional(text()),
  refs: v.optional(mapping({ include: v.optional(list(text())), exclude: v.optional(list(text())) }), {}),
  prune: v.optional(bool(), false),
  on_divergence: v.optional(oneOf(DIVERGENCE), "skip"),
}, {
  name: "a unique name made of letters, digits, . _ -",
  source: "the name of a provider under providers:",
  target: "the name of a provider under providers:",
  source_path: "the repository path on the source provider, e.g. team/app",
  target_path: "the repository path on the target provider, e.g. team/app",
});

export const ConsumerSchema = mapping({
  name: v.optional(text()),
  type: v.optional(oneOf(["sqs"] as const), "sqs"),
  queue_url: v.optional(text()),
  region: v.optional(text()),
  credentials: v.optional(mapping({ access_key: v.optional(text()), secret_key: v.optional(text()) }), {}),
  // 0 means "default" (the Go bridge could not tell 0 from absent).
  visibility_timeout_seconds: v.optional(int(0, 43200)),
  // Extensions: which codecommit provider the queue carries events for, an endpoint override (VPC
  // endpoints, local SQS-protocol servers), the long-poll wait and the retry backoff of a failed sync.
  provider: v.optional(text()),
  endpoint: v.optional(text()),
  wait_time_seconds: v.optional(int(0, 20)),
  retry_backoff_seconds: v.optional(int(0, 43200)),
});

const KeysSchema = v.optional(mapping({ access_key: v.optional(text()), secret_key: v.optional(text()) }), {});

export const QueueSchema = mapping({
  type: v.optional(oneOf(["embedded", "sqs"] as const), "embedded"),
  queue_url: v.optional(text()),
  region: v.optional(text()),
  endpoint: v.optional(text()),
  credentials: KeysSchema,
  visibility_timeout_seconds: v.optional(int(0, 43200)),
  wait_time_seconds: v.optional(int(0, 20)),
  job_store: v.optional(
    mapping({
      type: v.optional(oneOf(["s3"] as const), "s3"),
      bucket: v.optional(text()),
      prefix: v.optional(text()),
      region: v.optional(text()),
      endpoint: v.optional(text()),
      credentials: KeysSchema,
    }),
  ),
});

export const ConfigSchema = mapping({
  server: v.optional(
    mapping({ port: v.optional(int(1, 65535)), console_port: ignored, api_docs_url: ignored }),
    {},
  ),
  mirror: v.optional(
    mapping({
      timeout_seconds: v.optional(int(0, 7 * 24 * 3600)),
      drain_timeout_seconds: v.optional(int(0, 7 * 24 * 3600)),
      concurrency: v.optional(int(1, 1024)),
    }),
    {},
  ),
  providers: v.pipe(
    mappingOnly("a mapping of provider name to settings"),
    v.record(v.string(), ProviderSchema),
  ),
  repos: list(RepoSchema),
  consumer: v.optional(ConsumerSchema),
  consumers: v.optional(list(ConsumerSchema), []),
  queue: v.optional(QueueSchema),
  webhook: v.optional(
    mapping({
      gitlab_secret: v.optional(text()),
      github_secret: v.optional(text()),
      gitea_secret: v.optional(text()),
      max_body_size_mb: v.optional(int(0, 1024)),
    }),
    {},
  ),
  retry: v.optional(mapping({ api_token: v.optional(text()) }), {}),
  notification: v.optional(
    mapping({
      slack: v.optional(
        mapping({
          webhook_url: v.optional(text()),
          channel: v.optional(text()),
          bot_token: v.optional(text()),
        }),
        {},
      ),
    }),
    {},
  ),
  slack: v.optional(
    mapping({
      bot_token: v.optional(text()),
      signing_secret: v.optional(text()),
      app_token: v.optional(text()),
      socket_mode: v.optional(bool(), false),
      allowed_users: v.optional(list(text()), []),
      allowed_channels: v.optional(list(text()), []),
      approvers: v.optional(list(text()), []),
      api_url: v.optional(text()),
      approvals_channel: v.optional(text()),
      allow_self_approval: v.optional(bool(), false),
    }),
    {},
  ),
  git: v.optional(mapping({ engine: v.optional(oneOf(ENGINES), "auto") }), {}),
  hooks: v.optional(mapping({ secret: v.optional(text()), server_url: v.optional(text()) }), {}),
  reconcile: v.optional(
    mapping({
      enabled: v.optional(bool(), true),
      schedule: v.optional(text()),
      timezone: v.optional(text()),
      concurrency: v.optional(int(1, 256)),
    }),
    {},
  ),
  status: v.optional(mapping({ token: v.optional(text()) }), {}),
  migration: v.optional(mapping({ config: text() })),
  work_dir: v.optional(text()),
}, {
  providers: "a mapping of provider name to { type, base_url, credentials }",
  repos: "a list of repos to mirror, each with name, source, target, source_path, target_path",
});

export type RawConfig = v.InferOutput<typeof ConfigSchema>;
export type RawProvider = v.InferOutput<typeof ProviderSchema>;
export type RawRepo = v.InferOutput<typeof RepoSchema>;
export type RawConsumer = v.InferOutput<typeof ConsumerSchema>;
export type RawQueue = v.InferOutput<typeof QueueSchema>;
