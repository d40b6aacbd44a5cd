// The normalized configuration every other module reads. `load-config.ts` turns config.yaml (the
// Go git-bridge format plus our extensions) into this shape; nothing else parses YAML.

export type ProviderType = "github" | "gitlab" | "codecommit" | "gitea" | "git";
export type Direction = "source-to-target" | "target-to-source";
export type RepoDirection = Direction | "bidirectional";
export type Side = "source" | "target";

export interface ProviderCredentials {
  /** API/personal access token (github, gitlab, gitea); used as the HTTP password. */
  token?: string;
  /** Explicit HTTPS git credentials (codecommit, git). */
  gitUsername?: string;
  gitPassword?: string;
  /** Explicit HTTP user name; overrides the per-type default that goes with a token. */
  username?: string;
}

export interface ProviderConfig {
  name: string;
  type: ProviderType;
  /** No trailing slash. Defaults: github → https://github.com; codecommit → from region. */
  baseUrl?: string;
  region?: string;
  /** codecommit: the 12-digit AWS account id; events from other accounts do not match. */
  accountId?: string;
  credentials: ProviderCredentials;
  allowInsecureHttp: boolean;
  allowPrivateNetwork: boolean;
}

export interface RefOverride {
  /** Glob on the short ref name (Go path.Match: `*` does not cross `/`). */
  pattern: string;
  /** Provider names: the one direction this ref may flow. */
  from: string;
  to: string;
}

export interface RepoConfig {
  name: string;
  source: string;
  target: string;
  sourcePath: string;
  targetPath: string;
  direction: RepoDirection;
  retryDirection?: Direction;
  refOverrides: RefOverride[];
  slackWebhookUrl?: string;
  /** Globs on full ref names; `*` matches across `/` like a git refspec. */
  refsInclude: string[];
  refsExclude: string[];
  prune: boolean;
  onDivergence: "skip" | "force";
}

export interface ConsumerConfig {
  /** Defaults as in the Go bridge: `sqs-<index>`, the legacy `consumer:` block is "default". */
  name: string;
  type: "sqs";
  queueUrl: string;
  region?: string;
  /** Static keys; when absent the AWS SDK's default credential chain (env, profile, IMDS, web identity). */
  credentials: { accessKey?: string; secretKey?: string };
  /** 120 as documented; a heartbeat extends it while a sync runs. At most 43200 (the SQS cap). */
  visibilityTimeoutSeconds: number;
  /** The codecommit provider whose events the queue carries; unset: any codecommit provider in the event's region. */
  provider?: string;
  /** SQS endpoint override (VPC endpoint, local SQS-protocol server). */
  endpoint?: string;
  /** Long-poll wait, 0–20 s; documented 20. */
  waitTimeSeconds: number;
  /** A failed sync's message becomes visible again after this many seconds, doubled per receive. */
  retryBackoffSeconds: number;
}

/** Where the distributed queue keeps job records (S3). */
export interface JobStoreConfig {
  bucket: string;
  /** Key prefix; records are `<prefix>jobs/<id>.json` and `<prefix>repos/<repo>.json`. Default "git-bridge/". */
  prefix: string;
  region: string;
  endpoint?: string;
  credentials: { accessKey?: string; secretKey?: string };
}

/** `queue: {type: sqs}`: every replica sends jobs to one SQS FIFO queue and consumes from it. */
export interface DistributedQueueConfig {
  type: "sqs";
  /** A FIFO queue (…/name.fifo). */
  queueUrl: string;
  region: string;
  endpoint?: string;
  credentials: { accessKey?: string; secretKey?: string };
  visibilityTimeoutSeconds: number;
  waitTimeSeconds: number;
  jobStore: JobStoreConfig;
}

export interface ReconcileConfig {
  enabled: boolean;
  /** A cron expression (5 fields, or 6 with seconds first), checked when the config loads. */
  schedule: string;
  /** IANA zone the schedule is read in; unset = the host's zone. */
  timezone?: string;
  /** Repos compared at the same time during a sweep. */
  concurrency: number;
}

export interface Config {
  /** Absolute path of the file this came from (for messages). */
  path: string;
  server: { port: number };
  providers: Map<string, ProviderConfig>;
  repos: RepoConfig[];
  consumers: ConsumerConfig[];
  /** Distributed mode; absent: the embedded journal queue (the default). */
  queue?: DistributedQueueConfig;
  /** Unset means "skip verification" (documented behaviour), with a loud warning at startup. */
  webhook: { gitlabSecret?: string; githubSecret?: string; giteaSecret?: string; maxBodySizeMb: number };
  /** Unset disables POST /retry/mirror (404). */
  retry: { apiToken?: string };
  notification: { slack: { webhookUrl?: string; channel?: string; botToken?: string } };
  mirror: { timeoutSeconds: number; concurrency: number; drainTimeoutSeconds: number };
  /** The Slack app (/gitbridge, buttons). Off (and /slack/events 404) without a bot token. */
  slack: SlackConfig;
  git: { engine: "native" | "isomorphic" | "auto" };
  hooks: { secret?: string; serverUrl?: string };
  /** The scheduled sweep that compares both sides of every repo (server/reconcile/). */
  reconcile: ReconcileConfig;
  /** Unset: GET /status, /metrics and / answer anyone; set: they need `Authorization: Bearer <token>`. */
  status: { token?: string };
  /** The Gitea migration the Slack app may plan/run (/gitbridge migrate): absolute path of migration.yaml. */
  migration?: { config: string };
  workDir: string;
  /** Every secret value in the file, for redaction. */
  secrets: string[];
  /** Non-fatal findings (unknown keys, skipped verification), each with file:line:col. */
  warnings: string[];
}

export interface SlackConfig {
  botToken?: string;
  signingSecret?: string;
  /** xapp-… token for Socket Mode. */
  appToken?: string;
  socketMode: boolean;
  /** Slack user ids allowed to run commands and click buttons; empty = everyone in allowed channels. */
  allowedUsers: string[];
  /** Channel ids commands are taken from; empty = any channel. */
  allowedChannels: string[];
  /** User ids allowed to force over a diverged target (and, later, to approve migration phases). */
  approvers: string[];
  /** Slack Web API base, ending in `/` (default https://slack.com/api/). */
  apiUrl: string;
  approvalsChannel?: string;
  allowSelfApproval: boolean;
}
