// The HTTP core shared by the Gitea and GitHub clients: JSON in and out, rate-limit waits, 5xx
// retries with backoff, and pagination that follows `Link` and `x-total-count` (the contract's
// scripts read one page and silently miss item 51+). IO is injected so tests drive time.
import { AuthError, BridgeError, RemoteError } from "../../server/errors.ts";
import { retryDelayMs } from "./rate-limit.ts";

export interface HttpDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch (X-RateLimit-Reset is an epoch time). */
  now: () => number;
}

export interface ClientOptions {
  /** "Gitea", "backup Gitea", "GitHub": names the server in messages. */
  name: string;
  /** Ends before the API paths, e.g. https://git.example.com/api/v1 or https://api.github.com. */
  baseUrl: string;
  /** The Authorization header value, or undefined for none. */
  authorization?: string;
  deps: HttpDeps;
  /** Told about every wait, e.g. "GitHub rate limit: waiting 42s". */
  onWait?: (message: string) => void;
  maxRetries?: number;
  /** The longest rate-limit wait accepted; past it the call fails saying when to resume. */
  maxWaitMs?: number;
  /** Per request, body included (default 60 s): a server that stops answering must not hang a phase. */
  timeoutMs?: number;
  /** Query names for pagination: Gitea uses page/limit, GitHub page/per_page. */
  pageParam?: string;
  limitParam?: string;
  pageSize?: number;
}

export class ApiError extends BridgeError {
  readonly status: number;
  constructor(message: string, status: number, data: Record<string, unknown> = {}) {
    super("api", message, { status, ...data });
    this.status = status;
  }
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Statuses returned to the caller instead of thrown (404 for GET-before-create). */
  accept?: number[];
  /** Replaces the client's Authorization header (Gitea token creation uses basic auth). */
  authorization?: string;
}

// Methods safe to resend after a 5xx or a dropped connection. A POST is not: it may have created
// the resource before failing, and the phases' GET-before-create makes a re-run the safe retry.
const IDEMPOTENT = new Set(["GET", "PUT", "PATCH", "DELETE", "HEAD"]);

export class ApiClient {
  readonly name: string;
  readonly baseUrl: string;
  readonly #o: ClientOptions;
  constructor(options: ClientOptions) {
    this.#o = options;
    this.name = options.name;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  url(path: string, query: Query = {}): URL {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.#send<T>(method, this.url(path, opts.query), opts);
  }

  /** GET that answers undefined on 404 (the contract's "404 means create"). */
  async find<T>(path: string, query?: Query): Promise<T | undefined> {
    const res = await this.request<T>("GET", path, { query, accept: [404] });
    return res.status === 404 ? undefined : res.data;
  }

  /** Every item of a list endpoint, page by page. */
  async list<T>(path: string, query: Query = {}, opts: { accept?: number[]; authorization?: string } = {}): Promise<T[] | undefined> {
    const pageParam = this.#o.pageParam ?? "page";
    const limitParam = this.#o.limitParam ?? "limit";
    const size = this.#o.pageSize ?? 50;
    let url: URL | undefined = this.url(path, { ...query, [pageParam]: 1, [limitParam]: size });
    const items: T[] = [];
    for (let pages = 0; url; pages++) {
      if (pages >= 10_000) throw new RemoteError(`${this.name}: ${path} kept paginating past 10000 pages; giving up`);
      const res: ApiResponse<T[]> = await this.#send<T[]>("GET", url, opts);
      if (opts.accept?.includes(res.status)) return undefined;
      if (!Array.isArray(res.data)) throw new RemoteError(`${this.name}: GET ${path} did not return a list`);
      items.push(...res.data);
      url = this.#nextPage(url, res, items.length, pageParam);
    }
    return items;
  }

  #nextPage(current: URL, res: ApiResponse<unknown[]>, seen: number, pageParam: string): URL | undefined {
    const next = linkNext(res.headers.get("link"));
    if (next) {
      const url = new URL(next, current);
      if (url.origin === current.origin && url.pathname === current.pathname) return url;
      // Gitea writes Link from its ROOT_URL, which differs from the internal URL the toolkit may
      // use; the token must never follow a Link elsewhere, so only its page number is taken.
      const page = url.searchParams.get(pageParam);
      if (page === null) {
        throw new RemoteError(`${this.name}: pagination Link points to ${url.origin}${url.pathname}, not ${current.origin}${current.pathname}; refusing to send the token there`);
      }
      const same = new URL(current);
      same.searchParams.set(pageParam, page);
      return same;
    }
    const total = Number(res.headers.get("x-total-count"));
    if (Number.isFinite(total) && seen < total && res.data.length > 0) {
      const url = new URL(current);
      url.searchParams.set(pageParam, String(Number(current.searchParams.get(pageParam) ?? "1") + 1));
      return url;
    }
    return undefined;
  }

  async #send<T>(method: string, url: URL, opts: RequestOptions): Promise<ApiResponse<T>> {
    const { fetch, sleep, now } = this.#o.deps;
    const maxRetries = this.#o.maxRetries ?? 5;
    const where = `${method} ${url.pathname}`;
    const headers: Record<string, string> = { accept: "application/json" };
    const auth = opts.authorization ?? this.#o.authorization;
    if (auth) headers.authorization = auth;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    let waits = 0;
    for (let attempt = 0;; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          redirect: "manual",
          signal: AbortSignal.timeout(this.#o.timeoutMs ?? 60_000),
        });
      } catch (err) {
        if (!IDEMPOTENT.has(method) || attempt >= maxRetries) {
          throw new RemoteError(`${this.name} unreachable (${where}): ${(err as Error).message}`);
        }
        await this.#wait(backoffMs(attempt), `${this.name} unreachable: retrying ${where}`);
        continue;
      }
      const retry = retryDelayMs(res.status, res.headers, now());
      // Rate-limited calls were not processed, so any method may wait and resend (a bounded number of times).
      if (retry !== undefined && waits++ < 20) {
        attempt--;
        await res.body?.cancel();
        const maxWait = this.#o.maxWaitMs ?? 3_600_000;
        if (retry > maxWait) {
          throw new RemoteError(
            `${this.name} rate limit: the limit resets at ${new Date(now() + retry).toISOString()}, past the ${
              Math.round(maxWait / 1000)
            }s wait allowed; run the same command again after that (finished work is kept)`,
          );
        }
        await this.#wait(retry, `${this.name} rate limit (${res.status}): waiting ${Math.ceil(retry / 1000)}s, then resuming ${where}`);
        continue;
      }
      if (res.status >= 500 && IDEMPOTENT.has(method) && attempt < maxRetries) {
        await res.body?.cancel();
        await this.#wait(backoffMs(attempt), `${this.name} answered ${res.status}: retrying ${where}`);
        continue;
      }
      const data = await readBody(res);
      // Redirects are not followed (the token would go with them): Gitea answers 301 for a renamed
      // repo, and a wrong base URL often redirects to a login page.
      if (res.status >= 300 && res.status < 400 && !opts.accept?.includes(res.status)) {
        throw new ApiError(
          `${this.name} answered ${res.status} to ${where}, redirecting to ${res.headers.get("location") ?? "(no location)"}: a renamed resource, or a wrong URL in migration.yaml; not followed`,
          res.status,
        );
      }
      if (res.status < 400 || opts.accept?.includes(res.status)) {
        return { status: res.status, data: data as T, headers: res.headers };
      }
      throw this.#error(res.status, where, data);
    }
  }

  async #wait(ms: number, message: string): Promise<void> {
    this.#o.onWait?.(message);
    await this.#o.deps.sleep(ms);
  }

  #error(status: number, where: string, data: unknown): BridgeError {
    const detail = typeof data === "object" && data && "message" in data ? String((data as { message: unknown }).message) : "";
    const text = `${this.name} answered ${status} to ${where}${detail ? `: ${detail.slice(0, 300)}` : ""}`;
    if (status === 401) return new AuthError(`${text}. Check the token (or admin password) in migration.yaml`, { status });
    if (status >= 500) return new RemoteError(`${text}. Re-run the same command: finished steps are kept`, { status });
    return new ApiError(text, status);
  }
}

/** 1s, 2s, 4s, 8s, 16s… capped at 60s. */
export function backoffMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** attempt);
}

/** The URL of rel="next" in an RFC 8288 Link header. */
export function linkNext(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const m = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (m && /\brel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2])) return m[1];
  }
  return undefined;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 300) };
  }
}
