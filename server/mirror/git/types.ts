// The contract every git engine implements (native git CLI, isomorphic-git fallback). The sync
// orchestrator only talks to this interface, so both engines pass the same tests.

/** Full ref name → object id (tags unpeeled). */
export type RefMap = Map<string, string>;

export interface RemoteAuth {
  username: string;
  password: string;
}

export interface Remote {
  /** Credential-free URL, e.g. https://gitlab.example.com/team/app.git */
  url: string;
  auth?: RemoteAuth;
  /** The addresses the remote policy checked for the URL's host: connect only to these. */
  pin?: PinnedAddress;
}

/** A host name and port bound to the addresses that were checked for it (no second DNS lookup). */
export interface PinnedAddress {
  /** As in the URL (lower case). */
  host: string;
  port: number;
  addresses: string[];
}

/** Which remote refs to fetch and where to keep them in the cache. */
export interface FetchSpec {
  /**
   * Remote ref patterns with at most one `*`, e.g. `refs/heads/*`, or exact ref names. An exact
   * name the remote does not have is not an error: its local copy is removed, since it is gone.
   */
  patterns: string[];
  /** Local namespace; remote `refs/heads/x` lands at `<namespace>/heads/x`. */
  namespace: string;
  /** Remove local refs under the namespace that the remote no longer has (only within patterns). */
  prune: boolean;
}

export interface PushUpdate {
  ref: string;
  /** New object id; null deletes the ref. */
  newOid: string | null;
  /** Compare-and-swap: what the remote must hold now; null = must not exist. */
  expectedOid: string | null;
}

export interface PushRefResult {
  ref: string;
  ok: boolean;
  /** The host's reason when it refused the update ("stale info", "pre-receive hook declined"…). */
  reason?: string;
}

export interface LocalRefUpdate {
  ref: string;
  /** null deletes the ref. */
  oid: string | null;
}

export interface GitCallOptions {
  /** Aborting kills whatever git work is in flight for this call. */
  signal?: AbortSignal;
}

export interface GitEngine {
  readonly name: "native" | "isomorphic";
  /** Creates the bare cache repository if missing. Idempotent. */
  ensureCache(cacheDir: string): Promise<void>;
  /** Ref advertisement only; no pack transfer. Returns refs matching `patterns` (exact or one `*`). */
  listRemote(remote: Remote, patterns: string[], opts?: GitCallOptions): Promise<RefMap>;
  /** Fetches the matching refs and their objects into the cache under `spec.namespace`. */
  fetch(cacheDir: string, remote: Remote, spec: FetchSpec, opts?: GitCallOptions): Promise<void>;
  /** Local refs under `prefix` (full names). */
  readRefs(cacheDir: string, prefix: string): Promise<RefMap>;
  /** Writes or deletes local refs in one transaction. */
  updateRefs(cacheDir: string, updates: LocalRefUpdate[]): Promise<void>;
  /**
   * For each [ancestor, descendant] pair: true/false when both objects are in the cache,
   * undefined when either is unknown (the bridge never saw it). Tags are peeled to commits.
   */
  ancestry(cacheDir: string, pairs: Array<[string, string]>): Promise<Array<boolean | undefined>>;
  /** Author of each commit (tags peeled) that is in the cache; unknown objects are left out. */
  commitAuthors(cacheDir: string, oids: string[]): Promise<Map<string, { name: string; email: string }>>;
  /** Every update in one push request, each with its own compare-and-swap lease. */
  push(cacheDir: string, remote: Remote, updates: PushUpdate[], opts?: GitCallOptions): Promise<PushRefResult[]>;
}
