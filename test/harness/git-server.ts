// Tests use the same smart-HTTP server the first-run demo serves its repositories with, run with
// the test process's PATH (so the runtimes a hook needs are found) unless a test gives its own.
import { type GitServer, type GitServerOptions, startGitServer as startServer } from "../../server/demo/git-http-server.ts";

export * from "../../server/demo/git-http-server.ts";

export function startGitServer(opts: GitServerOptions): Promise<GitServer> {
  return startServer({ ...opts, env: { ...(process.env.PATH ? { PATH: process.env.PATH } : {}), ...opts.env } });
}
