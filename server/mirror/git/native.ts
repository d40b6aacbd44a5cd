// The GitEngine on the native git CLI: deltified packs and one request for many refs, so a sync
// costs about what a hand-written `git fetch` + `git push` costs.
import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { classify, runGit } from "./git-process.ts";
import type { GitEngine, PushRefResult, PushUpdate, RefMap, Remote } from "./types.ts";

const ZERO = "0".repeat(40);

export function createNativeEngine(): GitEngine {
  const local = (cacheDir: string, ...args: string[]) => ["--git-dir", cacheDir, ...args];

  return {
    name: "native",

    async ensureCache(cacheDir) {
      try {
        await access(join(cacheDir, "HEAD"));
        return;
      } catch { /* create below */ }
      await mkdir(cacheDir, { recursive: true });
      await runGit({ args: ["init", "--bare", "--quiet", "--", cacheDir] });
      // Packs from many fetches pile up; let git repack them as it sees fit, in the background.
      await runGit({ args: local(cacheDir, "config", "gc.autoDetach", "true") });
    },

    async listRemote(remote, patterns, opts) {
      const narrow = patterns.every((p) => p.startsWith("refs/heads/") || p.startsWith("refs/tags/"));
      // --heads/--tags let protocol v2 filter server-side (GitHub advertises every refs/pull/*).
      const args = ["ls-remote", "--refs", ...(narrow ? ["--heads", "--tags"] : []), "--", remote.url];
      const r = await runGit({ args, auth: remote.auth, signal: opts?.signal, url: remote.url });
      return filterRefs(parseRefLines(r.stdout), patterns);
    },

    async fetch(cacheDir, remote, spec, opts) {
      const refspecs = spec.patterns.map((p) => `+${p}:${toNamespace(spec.namespace, p)}`);
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
          ...refspecs,
        ),
        auth: remote.auth,
        signal: opts?.signal,
        url: remote.url,
      });
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
      if (pairs.length === 0) return [];
      const oids = [...new Set(pairs.flat())];
      const check = await runGit({
        args: local(cacheDir, "cat-file", "--batch-check=%(objectname) %(objecttype)"),
        stdin: oids.map((o) => `${o}^{commit}\n`).join(""),
      });
      const known = new Set<string>();
      check.stdout.split("\n").forEach((line, i) => {
        if (line.endsWith(" commit")) known.add(oids[i]);
      });
      return pool(pairs, 4, async ([a, b]) => {
        if (!known.has(a) || !known.has(b)) return undefined;
        if (a === b) return true;
        const r = await runGit({
          args: local(cacheDir, "merge-base", "--is-ancestor", `${a}^{commit}`, `${b}^{commit}`),
          okCodes: [1],
        });
        return r.code === 0;
      });
    },

    async push(cacheDir, remote, updates, opts) {
      if (updates.length === 0) return [];
      // One --force-with-lease per ref and plain refspecs: a `+` would override the lease.
      const leases = updates.map((u) => `--force-with-lease=${u.ref}:${u.expectedOid ?? ""}`);
      const refspecs = updates.map((u) => `${u.newOid ?? ""}:${u.ref}`);
      const r = await runGit({
        args: local(cacheDir, "push", "--porcelain", "--no-verify", ...leases, "--", remote.url, ...refspecs),
        auth: remote.auth,
        signal: opts?.signal,
        url: remote.url,
        okCodes: [1],
      });
      return readPorcelain(r, updates, remote);
    },
  };
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

