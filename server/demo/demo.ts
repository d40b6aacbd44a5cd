// The first-run demo: two local repositories under WORK_DIR/demo served over smart HTTP on
// loopback, and a config that mirrors one into the other. No account, no external service.
import { join } from "node:path";
import { parseConfig } from "../config/load-config.ts";
import type { Config } from "../config/types.ts";
import { runGit } from "../mirror/git/git-process.ts";
import { type GitServer, startGitServer } from "./git-http-server.ts";

export interface Demo {
  config: Config;
  git: GitServer;
  instructions(bridgeUrl: string): string;
  close(): Promise<void>;
}

const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

export async function prepareDemo(workDir: string, env: Record<string, string | undefined>): Promise<Demo> {
  const root = join(workDir, "demo", "repos");
  const git = await startGitServer({ root, env: env.PATH ? { PATH: env.PATH } : {} });
  for (const path of ["demo/upstream", "demo/mirror"]) {
    const dir = git.repoDir(path);
    const fresh = await runGit({ args: ["--git-dir", dir, "rev-parse", "--git-dir"], okCodes: [128] }).then((r) => r.code !== 0);
    if (fresh) await git.createRepo(path);
  }
  // Give the upstream a first commit so there is something to mirror straight away.
  const upstream = git.repoDir("demo/upstream");
  const head = await runGit({ args: ["--git-dir", upstream, "rev-parse", "--verify", "--quiet", "refs/heads/main"], okCodes: [1] });
  if (head.code !== 0) {
    const ident = ["-c", "user.name=git-bridge demo", "-c", "user.email=demo@git-bridge.invalid"];
    const sha = (await runGit({ args: ["--git-dir", upstream, ...ident, "commit-tree", EMPTY_TREE, "-m", "Initial commit"] })).stdout.trim();
    await runGit({ args: ["--git-dir", upstream, "update-ref", "refs/heads/main", sha] });
  }

  const yaml = `# The embedded demo config (git-bridge serve without --config or CONFIG_PATH).
providers:
  upstream:
    type: gitea
    base_url: ${git.url}
    allow_insecure_http: true
    allow_private_network: true
  mirror:
    type: git
    base_url: ${git.url}
    allow_insecure_http: true
    allow_private_network: true
repos:
  - name: demo
    source: upstream
    target: mirror
    source_path: demo/upstream
    target_path: demo/mirror
    direction: source-to-target
`;
  const config = parseConfig(yaml, "<embedded demo config>", { ...env, WORK_DIR: workDir });

  return {
    config,
    git,
    instructions: (bridgeUrl) => {
      const up = git.repoUrl("demo/upstream");
      const payload = JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "demo/upstream", html_url: `${git.url}/demo/upstream` } });
      return `
git-bridge demo is running (no config file given; see README for --config).
  bridge   ${bridgeUrl}
  upstream ${up}
  mirror   ${git.repoUrl("demo/mirror")}

Watch a webhook-driven mirror happen:
  git clone ${up} /tmp/gb-demo && cd /tmp/gb-demo
  git commit --allow-empty -m "hello, mirror" && git push origin HEAD:main
  curl -s -X POST ${bridgeUrl}/webhook/gitea -H 'Content-Type: application/json' \\
    -H 'X-Gitea-Event: push' -H "X-Gitea-Delivery: $(date +%s%N)" \\
    -d '${payload}'
  git ls-remote ${git.repoUrl("demo/mirror")}

Stop with Ctrl-C.
`;
    },
    close: () => git.close(),
  };
}
