// Public API of server/config: everything else imports from here.
export type * from "./types.ts";
export type { Env } from "./expand-env.ts";
export { expandString } from "./expand-env.ts";
export { loadConfig } from "./load-config.ts";
export type { LoadConfigOptions } from "./load-config.ts";
export { parseConfig } from "./parse-config.ts";
export type { ParseOptions } from "./parse-config.ts";
export { httpAuth, remoteUrl } from "./remote-url.ts";
export type { HttpAuth } from "./remote-url.ts";
export { matchRefGlob, matchShortGlob, refOverrideFor, shortGlobError, shortRefName } from "./ref-globs.ts";
export { findRepo } from "./find-repo.ts";
export { repoPathProblem } from "./repo-path.ts";
