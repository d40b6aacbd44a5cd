// Every refusal, with the exact file:line:col of the node it is about.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BASE, errorsOf, parse, yaml } from "./test-helpers.ts";

/** BASE with repos[0] extended by `lines` (from line 19 on). */
const repo = (...lines: string[]) => yaml(...BASE, ...lines);
/** BASE with one line replaced (1-based line number). */
const replaced = (line: number, text: string) => yaml(...BASE.map((l, i) => (i === line - 1 ? text : l)));

describe("YAML structure", () => {
  it("reports syntax errors with the parser's position", () => {
    assert.deepEqual(errorsOf(yaml("providers:", "  gl: { type: gitlab", "repos: []")), [
      "config.yaml:3:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }",
    ]);
  });
  it("refuses duplicate keys", () => {
    assert.deepEqual(errorsOf(yaml(...BASE, "repos: []")), [
      "config.yaml:19:1: YAML syntax error: Map keys must be unique",
    ]);
  });
  it("refuses an empty file and a top level that is not a mapping", () => {
    assert.deepEqual(errorsOf("# nothing\n"), [
      "config.yaml:1:1: the config is empty; it needs at least providers: and repos:",
    ]);
    assert.deepEqual(errorsOf("\n- a\n"), [
      "config.yaml:2:1: the config must be a mapping with providers:, repos:, … at the top level",
    ]);
  });
  it("refuses ${ in keys and malformed references", () => {
    assert.deepEqual(errorsOf(yaml(...BASE, "${X}: 1")), [
      'config.yaml:19:1: key "${X}" contains "${": variables are expanded in values only',
    ]);
    assert.deepEqual(errorsOf(repo("    slack_webhook_url: https://x/${1BAD}")), [
      'config.yaml:19:24: repos[0].slack_webhook_url contains "${1BAD}", which is not a ${NAME} reference (NAME is letters, ' +
      'digits and _, not starting with a digit, closed by "}"). Fix the reference; a literal "${" cannot be written in config values.',
    ]);
  });
});

describe("types and enums", () => {
  it("names the allowed values of an enum (the documented example)", () => {
    const text = yaml(
      "server:",
      "  port: 8080",
      "providers:",
      "  gl:",
      "    type: gitlab",
      "    base_url: https://gitlab.example.com",
      "  gh: { type: github }",
      "repos:",
      "  - name: web-app",
      "    source: gl",
      "    target: gh",
      "    direction: both",
      "    source_path: team/web-app",
      "    target_path: org/web-app",
    );
    assert.deepEqual(errorsOf(text), [
      'config.yaml:12:16: repos[0].direction must be one of source-to-target, target-to-source, bidirectional (got "both")',
    ]);
  });
  it("reports every wrong type at once", () => {
    assert.deepEqual(
      errorsOf(
        yaml(
          "server: { port: 70000 }",
          "mirror: { concurrency: many }",
          ...BASE,
          "    prune: yes",
          "    retry_direction: bidirectional",
          "    refs: [refs/heads/*]",
          "    on_divergence: merge",
          "git: { engine: jgit }",
          "webhook: { max_body_size_mb: 2048 }",
          "consumers: { name: x }",
        ),
      ),
      [
        "config.yaml:1:17: server.port must be an integer from 1 to 65535 (got 70000)",
        'config.yaml:2:24: mirror.concurrency must be an integer from 1 to 1024 (got "many")',
        'config.yaml:21:12: repos[0].prune must be true or false (got "yes")',
        'config.yaml:22:22: repos[0].retry_direction must be one of source-to-target, target-to-source (got "bidirectional")',
        "config.yaml:23:11: repos[0].refs must be a mapping (got a list)",
        'config.yaml:24:20: repos[0].on_divergence must be one of skip, force (got "merge")',
        'config.yaml:25:16: git.engine must be one of native, isomorphic, auto (got "jgit")',
        "config.yaml:26:30: webhook.max_body_size_mb must be an integer from 0 to 1024 (got 2048)",
        "config.yaml:27:12: consumers must be a list (got a mapping)",
      ],
    );
  });
  it("says which required keys are missing and what they are", () => {
    assert.deepEqual(errorsOf(yaml("server: {}")), [
      "config.yaml:1:1: providers is required (a mapping of provider name to { type, base_url, credentials })",
      "config.yaml:1:1: repos is required (a list of repos to mirror, each with name, source, target, source_path, target_path)",
    ]);
    assert.deepEqual(errorsOf(yaml(...BASE.slice(0, 16))), [
      "config.yaml:14:5: repos[0].source_path is required (the repository path on the source provider, e.g. team/app)",
      "config.yaml:14:5: repos[0].target_path is required (the repository path on the target provider, e.g. team/app)",
    ]);
    assert.deepEqual(errorsOf(replaced(3, "    # no type")), [
      "config.yaml:2:3: providers.cc.type is required (one of github, gitlab, codecommit, gitea, git)",
    ]);
  });
  it("refuses provider types it does not support", () => {
    assert.deepEqual(errorsOf(replaced(3, "    type: bitbucket")), [
      'config.yaml:3:11: providers.cc.type must be one of github, gitlab, codecommit, gitea, git (got "bitbucket")',
    ]);
  });
});

describe("providers", () => {
  const provider = (...lines: string[]) => yaml(...BASE.slice(0, 12), "  p:", ...lines, ...BASE.slice(12));
  it("need base_url for gitlab, gitea and git, and region or base_url for codecommit", () => {
    assert.deepEqual(errorsOf(provider("    type: gitea")), [
      "config.yaml:13:3: providers.p.base_url is required for type gitea (the Gitea instance, e.g. https://gitea.example.com)",
    ]);
    assert.deepEqual(errorsOf(provider("    type: git")), [
      "config.yaml:13:3: providers.p.base_url is required for type git (the smart-HTTP server that repository paths are appended to, e.g. https://git.example.com)",
    ]);
    assert.deepEqual(errorsOf(provider("    type: codecommit")), [
      "config.yaml:13:3: providers.p (type codecommit) needs region (e.g. region: eu-west-1) or base_url",
    ]);
    assert.equal(
      parse(provider("    type: codecommit", "    base_url: https://cc.example.com/")).providers.get("p")
        ?.baseUrl,
      "https://cc.example.com",
    );
  });
  it("refuse a region that is not an AWS region name (it goes into a host name)", () => {
    assert.deepEqual(errorsOf(provider("    type: codecommit", "    region: evil.com/x")), [
      'config.yaml:15:13: providers.p.region must be an AWS region such as eu-west-1 (got "evil.com/x")',
    ]);
  });
  it("refuse base URLs that are not plain http(s) instance URLs", () => {
    const cases: [string, string][] = [
      ["not a url", 'must be an http(s) URL such as https://git.example.com (got "not a url")'],
      ["ftp://git.example.com", "must be an http(s) URL such as https://git.example.com (got ftp: URL)"],
      [
        "https://user:pw@git.example.com",
        "must not contain credentials (user:password@); put them under credentials: instead",
      ],
      [
        "https://git.example.com/?a=1",
        "must not contain a query (?…) or fragment (#…); give the plain instance URL",
      ],
      [
        "https://git.example.com/#x",
        "must not contain a query (?…) or fragment (#…); give the plain instance URL",
      ],
      [
        "http://git.example.com",
        "uses http:, which would send credentials in clear text; use https, or set allow_insecure_http: true on this provider",
      ],
      [
        "https://10.1.2.3",
        "points at a private address (10.1.2.3), not a public one; set allow_private_network: true on this provider if that is intended",
      ],
      [
        "https://[::1]:3000",
        "points at a loopback address ([::1]), not a public one; set allow_private_network: true on this provider if that is intended",
      ],
      [
        "https://localhost",
        "points at a loopback address (localhost), not a public one; set allow_private_network: true on this provider if that is intended",
      ],
    ];
    for (const [url, why] of cases) {
      assert.deepEqual(errorsOf(provider("    type: gitea", `    base_url: "${url}"`)), [
        `config.yaml:15:15: providers.p.base_url ${why}`,
      ], url);
    }
  });
  it("accept http and private addresses when the provider allows them", () => {
    const c = parse(
      provider(
        "    type: git",
        "    base_url: http://127.0.0.1:8174/",
        "    allow_insecure_http: true",
        "    allow_private_network: true",
      ),
    );
    assert.equal(c.providers.get("p")?.baseUrl, "http://127.0.0.1:8174");
  });
  it("need both git_username and git_password, and warn when a token shadows them", () => {
    assert.deepEqual(errorsOf(replaced(5, "    credentials: { git_username: u }")), [
      "config.yaml:5:18: providers.cc.credentials needs both git_username and git_password (git_password is missing)",
    ]);
    const c = parse(replaced(9, "    credentials: { token: tttt, git_username: u, git_password: pppp }"));
    assert.ok(
      c.warnings.includes(
        "config.yaml:9:18: providers.gl.credentials has both token and git_password; the token is used",
      ),
    );
  });
  it("refuse provider names that cannot be used in file names", () => {
    assert.deepEqual(errorsOf(yaml(...BASE.slice(0, 12), "  'a b': { type: github }", ...BASE.slice(12))), [
      'config.yaml:13:3: provider name "a b" is not allowed: use letters, digits, . _ - only, not starting with - or .',
    ]);
  });
});

describe("consumers", () => {
  it("need a queue_url, unique names, a region, a codecommit provider and both keys or none", () => {
    assert.deepEqual(
      errorsOf(
        yaml(
          ...BASE,
          "consumers:",
          "  - { name: a, region: eu-west-1 }",
          "  - { name: b, queue_url: 'https://sqs/q', region: eu-west-1, provider: gl, credentials: { access_key: AKIA1 } }",
          "  - { name: b, queue_url: 'sqs://q', endpoint: 'tcp://x' }",
        ),
      ),
      [
        "config.yaml:20:5: consumers[0].queue_url is required (the SQS queue URL to poll for CodeCommit events)",
        'config.yaml:21:73: consumers[1].provider must name a codecommit provider under providers: (got "gl"; codecommit providers: cc)',
        "config.yaml:21:90: consumers[1].credentials needs both access_key and secret_key, or neither (then the AWS default credential chain is used)",
        "config.yaml:22:5: consumers[2].region is required: the queue URL does not name one (e.g. region: eu-west-1)",
        'config.yaml:22:13: consumers[2].name "b" is already used by consumers[1]; consumer names must be unique',
        'config.yaml:22:27: consumers[2].queue_url must be an http(s) URL (got "sqs://q")',
        'config.yaml:22:48: consumers[2].endpoint must be an http(s) URL (got "tcp://x")',
      ],
    );
  });
  it("get Go's default names, the documented timeouts and the region of an AWS queue URL", () => {
    const c = parse(
      yaml(
        ...BASE,
        "consumers:",
        "  - { queue_url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/a' }",
        "  - { queue_url: 'http://127.0.0.1:9324/q/b', region: us-east-2, endpoint: 'http://127.0.0.1:9324/', wait_time_seconds: 1 }",
      ),
    );
    assert.deepEqual(c.consumers.map((x) => x.name), ["sqs-0", "sqs-1"]);
    assert.deepEqual(c.consumers.map((x) => x.region), ["eu-west-1", "us-east-2"]);
    assert.equal(c.consumers[0].visibilityTimeoutSeconds, 120);
    assert.deepEqual(c.consumers.map((x) => x.waitTimeSeconds), [20, 1]);
    assert.equal(c.consumers[1].endpoint, "http://127.0.0.1:9324");
    assert.deepEqual(c.consumers[0].credentials, {});
  });
});

describe("URLs of other settings", () => {
  it("must be http(s)", () => {
    assert.deepEqual(
      errorsOf(yaml(...BASE, "    slack_webhook_url: slack", "hooks: { server_url: 'ftp://x' }")),
      [
        'config.yaml:19:24: repos[0].slack_webhook_url must be an http(s) URL (the value is not shown, as it is a secret)',
        'config.yaml:20:22: hooks.server_url must be an http(s) URL (got "ftp://x")',
      ],
    );
  });
});

describe("queue (distributed mode)", () => {
  it("is absent by default: the embedded journal queue", () => {
    assert.equal(parse(yaml(...BASE)).queue, undefined);
    assert.equal(parse(yaml(...BASE, "queue: { type: embedded }")).queue, undefined);
  });
  it("needs a FIFO queue URL and a job store bucket", () => {
    assert.deepEqual(
      errorsOf(yaml(...BASE, "queue: { type: sqs, queue_url: 'https://sqs.eu-west-1.amazonaws.com/1/jobs', credentials: { access_key: AK } }")),
      [
        "config.yaml:19:1: queue.job_store.bucket is required for type sqs: the S3 bucket every replica reads job records from (GET /jobs/:id)",
        'config.yaml:19:32: queue.queue_url must be the http(s) URL of an SQS FIFO queue, ending in .fifo (got "https://sqs.eu-west-1.amazonaws.com/1/jobs"); a standard queue cannot keep one repo\'s syncs apart',
        "config.yaml:19:91: queue.credentials needs both access_key and secret_key, or neither (then the AWS default credential chain is used)",
      ],
    );
  });
  it("takes the region from the queue URL and the job store's settings from the queue's", () => {
    const q = parse(yaml(...BASE, "queue: { type: sqs, queue_url: 'https://sqs.eu-west-1.amazonaws.com/1/jobs.fifo', job_store: { bucket: b } }")).queue;
    assert.deepEqual(q, {
      type: "sqs",
      queueUrl: "https://sqs.eu-west-1.amazonaws.com/1/jobs.fifo",
      region: "eu-west-1",
      credentials: {},
      visibilityTimeoutSeconds: 120,
      waitTimeSeconds: 20,
      jobStore: { bucket: "b", prefix: "git-bridge/", region: "eu-west-1", credentials: {} },
    });
  });
});
