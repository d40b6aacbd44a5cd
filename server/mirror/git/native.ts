// The GitEngine on the native git CLI: deltified packs and one request for many refs, so a sync
// costs about what a hand-written `git fetch` + `git push` costs.
import { access, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { classify, type GitRun, runGit as runGitIn } from "./git-process.ts";
import type { GitEngine, PushRefResult, PushUpdate, RefMap, Remote } from "./types.ts";

const ZERO = "0".repeat(40);

/** `env`: what git's allow-listed variables (PATH, HOME, locale, proxies) come from. */
export function createNativeEngine(env?: Record<string, string | undefined>): GitEngine {
  const runGit = (run: GitRun) => runGitIn({ ...run, env });
  const local = (cacheDir: string, ...args: string[]) => ["--git-dir", cacheDir, ...args];

  return {
    name: "native",

    async ensureCache(cacheDir) {
      try {
        await access(join(cacheDir, "HEAD"));
        return;
      } catch { /* create below */ }
      await mkdir(cacheDir, { recursive: true });
      // Packs from many fetches pile up; git's auto-gc (detached by default) repacks them.
      await runGit({ args: ["init", "--bare", "--quiet", "--", cacheDir] });
    },

    async listRemote(remote, patterns, opts) {
      const narrow = patterns.every((p) => p.startsWith("refs/heads/") || p.startsWith("refs/tags/"));
      // --heads/--tags let protocol v2 filter server-side (GitHub advertises every refs/pull/*).
      const args = ["ls-remote", "--refs", ...(narrow ? ["--heads", "--tags"] : []), "--", remote.url];
      const r = await runGit({ args, auth: remote.auth, pin: remote.pin, signal: opts?.signal, url: remote.url });
      return filterRefs(parseRefLines(r.stdout), patterns);
    },

    async fetch(cacheDir, remote, spec, opts) {
      let patterns = spec.patterns;
      // git refuses a whole fetch over one exact ref the remote lacks ("couldn't find remote ref"):
      // such a ref was deleted, so drop its local copy and fetch the rest.
      for (let attempt = 0; attempt <= spec.patterns.length && patterns.length > 0; attempt++) {
        try {
          await runGit({
            args: local(
              cacheDir,
              "fetch",
              "--quiet",
              "--no-tags",
              "--no-write-fetch-head",
              "--no-recurse-submodules",
              ...(spec.prune ? ["--prune"] : []),
              "--",
              remote.url,
              ...patterns.map((p) => `+${p}:${toNamespace(spec.namespace, p)}`),
            ),
            auth: remote.auth,
        pin: remote.pin,
            signal: opts?.signal,
            url: remote.url,
          });
          return;
        } catch (err) {
          const missing = String((err as { data?: { stderr?: string } }).data?.stderr ?? "").match(/couldn't find remote ref (\S+)/)?.[1];
          if (!missing || !patterns.includes(missing)) throw err;
          await runGit({ args: local(cacheDir, "update-ref", "-z", "--stdin"), stdin: `delete ${toNamespace(spec.namespace, missing)}\0\0` });
          patterns = patterns.filter((p) => p !== missing);
        }
      }
    },

    async readRefs(cacheDir, prefix) {
      const r = await runGit({ args: local(cacheDir, "for-each-ref", "--format=%(objectname) %(refname)", "--", prefix) });
      return parseRefLines(r.stdout);
    },

    async updateRefs(cacheDir, updates) {
      if (updates.length === 0) return;
      const stdin = updates
        .map((u) => (u.oid ? `update ${u.ref}\0${u.oid}\0\0` : `delete ${u.ref}\0\0`))
        .join("");
      await runGit({ args: local(cacheDir, "update-ref", "-z", "--stdin"), stdin });
    },

    async ancestry(cacheDir, pairs) {
      // One `rev-list --left-right --count a...b` answers both directions for a pair: a is an
      // ancestor of b when nothing is on a's side only. An unknown object makes git exit 128.
      const keys = [...new Set(pairs.map(([a, b]) => (a < b ? `${a} ${b}` : `${b} ${a}`)))];
      const counts = new Map<string, [number, number] | undefined>();
      await pool(keys, 4, async (key) => {
        const [a, b] = key.split(" ");
        const r = await runGit({
          args: local(cacheDir, "rev-list", "--left-right", "--count", `${a}^{commit}...${b}^{commit}`, "--"),
          okCodes: [128],
        });
        const m = r.stdout.match(/^(\d+)\s+(\d+)/);
        counts.set(key, r.code === 0 && m ? [Number(m[1]), Number(m[2])] : undefined);
      });
      return pairs.map(([a, b]) => {
        if (a === b) return true;
        const c = counts.get(a < b ? `${a} ${b}` : `${b} ${a}`);
        if (!c) return undefined;
        const onlyA = a < b ? c[0] : c[1];
        return onlyA === 0;
      });
    },

    async commitAuthors(cacheDir, oids) {
      const authors = new Map<string, { name: string; email: string }>();
      if (oids.length === 0) return authors;
      // One cat-file for all of them; `<oid>^{commit}` peels annotated tags.
      const r = await runGit({ args: local(cacheDir, "cat-file", "--batch"), stdin: oids.map((o) => `${o}^{commit}\n`).join("") });
      let rest = r.stdout;
      for (const oid of oids) {
        const header = rest.slice(0, rest.indexOf("\n"));
        rest = rest.slice(header.length + 1);
        const size = Number(header.split(" ")[2]);
        if (!header.includes(" commit ")) continue;
        const body = Buffer.from(rest, "utf8").subarray(0, size).toString("utf8");
        rest = Buffer.from(rest, "utf8").subarray(size + 1).toString("utf8");
        const m = body.match(/^author (.*) <([^>]*)> /m);
        if (m) authors.set(oid, { name: m[1], email: m[2] });
      }
      return authors;
    },

    async push(cacheDir, remote, updates, opts) {
      if (updates.length === 0) return [];
      const view = await pushView(cacheDir);
      // One --force-with-lease per ref and plain refspecs: a `+` would override the lease.
      const leases = updates.map((u) => `--force-with-lease=${u.ref}:${u.expectedOid ?? ""}`);
      const refspecs = updates.map((u) => `${u.newOid ?? ""}:${u.ref}`);
      const r = await runGit({
        args: local(view, "push", "--porcelain", "--no-verify", ...leases, "--", remote.url, ...refspecs),
        auth: remote.auth,
        pin: remote.pin,
        signal: opts?.signal,
        url: remote.url,
        okCodes: [1],
      });
      return readPorcelain(r, updates, remote);
    },
  };
}

/**
 * A ref-less repository that borrows the cache's objects (alternates). git matches every explicit
 * refspec and every lease against all local refs, so pushing from the cache itself — hundreds of
 * namespaced, ledger and backup refs — costs time that grows with refs × updates (measured: 220
 * refs pushed in ~470 ms from the cache, ~340 ms from here). Refspecs name SHAs, so no ref is needed.
 */
async function pushView(cacheDir: string): Promise<string> {
  const view = join(cacheDir, "bridge", "push-view.git");
  const alternates = join(view, "objects", "info", "alternates");
  if (await access(alternates).then(() => true, () => false)) return view;
  // The three things that make a directory a git repository; no `git init` process needed.
  await mkdir(join(view, "refs"), { recursive: true });
  await mkdir(join(view, "objects", "info"), { recursive: true });
  await writeFile(join(view, "HEAD"), "ref: refs/heads/main\n");
  await writeFile(alternates, `${resolve(cacheDir, "objects")}\n`);
  return view;
}

/** `git push --porcelain` lines: `<flag>\t<src>:<dst>\t<summary>`. Exit code 1 only means "some ref". */
function readPorcelain(r: { code: number; stdout: string; stderr: string }, updates: PushUpdate[], remote: Remote): PushRefResult[] {
  const byRef = new Map<string, PushRefResult>();
  for (const line of r.stdout.split("\n")) {
    const m = line.match(/^([ +\-*=!])\t[^\t]*:([^\t]+)\t(.*)$/);
    if (!m) continue;
    const [, flag, ref, summary] = m;
    if (flag === "!") {
      const reason = summary.match(/\(([^)]*)\)\s*$/)?.[1] ?? summary;
      byRef.set(ref, { ref, ok: false, reason });
    } else {
      byRef.set(ref, { ref, ok: true });
    }
  }
  if (byRef.size === 0 && r.code !== 0) {
    // Nothing per ref: the whole push failed (auth, network). Let the classifier say why.
    throw classify({ args: ["push"], url: remote.url }, r);
  }
  return updates.map((u) => byRef.get(u.ref) ?? { ref: u.ref, ok: false, reason: "no status reported by the remote" });
}

export function parseRefLines(text: string): RefMap {
  const refs: RefMap = new Map();
  for (const line of text.split("\n")) {
    const m = line.match(/^([0-9a-f]{40,64})\s+(\S.*)$/);
    if (m && m[1] !== ZERO) refs.set(m[2], m[1]);
  }
  return refs;
}

/** Keeps refs matching any pattern: exact names, or one `*` matching any run of characters. */
export function filterRefs(refs: RefMap, patterns: string[]): RefMap {
  const res = patterns.map((p) => {
    const i = p.indexOf("*");
    return i < 0 ? (r: string) => r === p : (r: string) => r.startsWith(p.slice(0, i)) && r.endsWith(p.slice(i + 1)) && r.length >= p.length - 1;
  });
  return new Map([...refs].filter(([ref]) => res.some((m) => m(ref))));
}

/** `refs/heads/*` under namespace `refs/bridge/src` → `refs/bridge/src/heads/*`. */
export const toNamespace = (namespace: string, ref: string) => `${namespace}/${ref.replace(/^refs\//, "")}`;

async function pool<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
}

