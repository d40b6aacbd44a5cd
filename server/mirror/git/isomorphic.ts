// The pure-JS GitEngine for places without a git binary. The wire protocol is our own smart-HTTP
// v0/v1 client (one upload-pack request per fetch, one receive-pack request per push, whatever
// the number of refs); isomorphic-git reads objects and indexes received packs, and packs to send
// are written here (isomorphic-objects.ts walks, isomorphic-pack.ts writes). isomorphic-git's own
// push()/fetch() are not used: push() sends one ref per request and resends history per ref, and
// fetch of `+refs/*:refs/*` breaks on annotated tags (DESIGN.md, Known snags).
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import { indexPack, isDescendent } from "isomorphic-git";
import { RemoteError, UnsafeInputError } from "../../errors.ts";
import { applyRefUpdates, isSafeRefName, matchesAny, readLocalRefs } from "./isomorphic-refs.ts";
import { type ObjectStore, objectsToSend, openStore, peel } from "./isomorphic-objects.ts";
import { writePack } from "./isomorphic-pack.ts";
import { type Advertisement, discover, type RefCommand, receivePack, uploadPack, ZERO_OID } from "./smart-http.ts";
import { checkAborted, type FetchFn } from "./smart-http-transport.ts";
import type { FetchSpec, GitEngine, PushRefResult, PushUpdate, RefMap } from "./types.ts";

export interface IsomorphicEngineDeps {
  /** HTTP client; defaults to globalThis.fetch. */
  fetch?: FetchFn;
}

const OID = /^[0-9a-f]{40}$/;

export function createIsomorphicEngine(deps: IsomorphicEngineDeps = {}): GitEngine {
  const fetchFn: FetchFn = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));

  function matching(adv: Advertisement, patterns: string[]): RefMap {
    const out: RefMap = new Map();
    for (const [name, oid] of adv.refs) if (matchesAny(name, patterns)) out.set(name, oid);
    return out;
  }

  return {
    name: "isomorphic",

    ensureCache,

    async listRemote(remote, patterns, opts = {}) {
      // Like `git ls-remote --refs`: no HEAD, no peeled entries.
      const refs = matching(await discover(fetchFn, remote, "git-upload-pack", opts.signal), patterns);
      return new Map([...refs].filter(([name]) => name.startsWith("refs/")));
    },

    async fetch(cacheDir, remote, spec: FetchSpec, opts = {}) {
      const ns = spec.namespace.replace(/\/+$/, "");
      if (!isSafeRefName(ns)) throw new UnsafeInputError(`fetch namespace ${JSON.stringify(spec.namespace)} is not a ref path`);
      await ensureCache(cacheDir);
      const adv = await discover(fetchFn, remote, "git-upload-pack", opts.signal);
      // Names a hostile server could use to climb out of the namespace are never written.
      const remoteRefs = [...matching(adv, spec.patterns)].filter(([name]) => isSafeRefName(name));
      const store = openStore(cacheDir);
      // A tip some local ref already points at is in the cache: only the rest need a lookup.
      const haves = [...new Set((await readLocalRefs(cacheDir, "")).values())];
      const known = new Set(haves);
      const wants: string[] = [];
      for (const oid of new Set(remoteRefs.map(([, oid]) => oid))) {
        if (!known.has(oid) && !(await store.has(oid))) wants.push(oid);
      }

      if (wants.length > 0) {
        const pack = await uploadPack(fetchFn, remote, adv, wants, haves, opts.signal);
        checkAborted(opts.signal);
        await storePack(cacheDir, pack, store);
        const check = openStore(cacheDir);
        for (const oid of wants) {
          if (!(await check.has(oid))) throw new RemoteError(`remote's pack lacks ${oid}, which it advertised`);
        }
      }

      const local = await readLocalRefs(cacheDir, ns);
      const updates: Array<{ ref: string; oid: string | null }> = [];
      for (const ref of local.keys()) {
        const remoteName = `refs/${ref.slice(ns.length + 1)}`;
        // Like git: --prune drops refs the patterns no longer find; an exact ref the remote lacks
        // was deleted, so its copy goes whether or not the fetch prunes.
        const gone = !adv.refs.has(remoteName) &&
          (spec.prune ? matchesAny(remoteName, spec.patterns) : spec.patterns.includes(remoteName));
        if (gone) updates.push({ ref, oid: null });
      }
      for (const [name, oid] of remoteRefs) {
        const ref = `${ns}/${name.slice("refs/".length)}`;
        if (local.get(ref) !== oid) updates.push({ ref, oid });
      }
      await applyRefUpdates(cacheDir, updates);
    },

    readRefs: (cacheDir, prefix) => readLocalRefs(cacheDir, prefix),

    updateRefs: (cacheDir, updates) => applyRefUpdates(cacheDir, updates),

    async ancestry(cacheDir, pairs) {
      const store = openStore(cacheDir);
      const out: Array<boolean | undefined> = [];
      for (const [ancestor, descendant] of pairs) out.push(await isAncestor(cacheDir, store, ancestor, descendant));
      return out;
    },

    async commitAuthors(cacheDir, oids) {
      const store = openStore(cacheDir);
      const authors = new Map<string, { name: string; email: string }>();
      for (const oid of oids) {
        const target = await peel(store, oid);
        const obj = target?.type === "commit" ? await store.read(target.oid) : undefined;
        const m = obj && new TextDecoder().decode(obj.content).match(/^author (.*) <([^>]*)> /m);
        if (m) authors.set(oid, { name: m[1], email: m[2] });
      }
      return authors;
    },

    async push(cacheDir, remote, updates: PushUpdate[], opts = {}) {
      for (const u of updates) {
        if (!isSafeRefName(u.ref)) throw new UnsafeInputError(`refusing to push invalid ref name ${JSON.stringify(u.ref)}`);
        for (const oid of [u.newOid, u.expectedOid]) {
          if (oid !== null && !OID.test(oid)) throw new UnsafeInputError(`invalid object id for ${u.ref}`);
        }
      }
      const adv = await discover(fetchFn, remote, "git-receive-pack", opts.signal);
      const store = openStore(cacheDir);
      const results: PushRefResult[] = updates.map((u) => ({ ref: u.ref, ok: false }));
      const commands: Array<RefCommand & { index: number }> = [];
      const seen = new Set<string>();
      for (const [index, u] of updates.entries()) {
        const current = adv.refs.get(u.ref) ?? null;
        const fail = (reason: string) => (results[index] = { ref: u.ref, ok: false, reason });
        if (seen.has(u.ref)) fail("duplicate update for this ref");
        else if (current !== u.expectedOid) fail("stale info"); // the lease: same wording as git push
        else if (current === u.newOid) results[index] = { ref: u.ref, ok: true }; // already there
        else if (u.newOid === null && !adv.caps.has("delete-refs")) fail("remote does not support deleting refs");
        else if (u.newOid !== null && !(await store.has(u.newOid))) fail(`object ${u.newOid} is not in the cache`);
        else commands.push({ index, ref: u.ref, oldOid: current ?? ZERO_OID, newOid: u.newOid ?? ZERO_OID });
        seen.add(u.ref);
      }
      if (commands.length === 0) return results;

      // One pack for all refs: every object the new tips need that the remote's tips do not reach.
      const wants = commands.filter((c) => c.newOid !== ZERO_OID).map((c) => c.newOid);
      let pack: Uint8Array | undefined;
      if (wants.length > 0) {
        const oids = await objectsToSend(store, wants, [...new Set(adv.refs.values())]);
        pack = await writePack(store, oids);
      }
      checkAborted(opts.signal);
      const report = await receivePack(fetchFn, remote, adv, commands, pack, opts.signal);
      for (const c of commands) {
        const r = report.refs.get(c.ref);
        if (r?.ok && report.unpack === "ok") results[c.index] = { ref: c.ref, ok: true };
        else {
          const reason = r?.reason ?? (report.unpack !== "ok" ? `unpack failed: ${report.unpack}` : "no status reported");
          results[c.index] = { ref: c.ref, ok: false, reason };
        }
      }
      return results;
    },
  };
}

/**
 * Creates a bare repository laid out like `git init --bare`. isomorphic-git's init() is not used:
 * it writes `ignorecase = true` and `filemode = false`, wrong for a cache the git CLI shares.
 */
async function ensureCache(cacheDir: string): Promise<void> {
  const config = join(cacheDir, "config");
  if (await fs.promises.stat(config).then(() => true, () => false)) return;
  for (const d of ["objects/info", "objects/pack", "refs/heads", "refs/tags", "info"]) {
    await fs.promises.mkdir(join(cacheDir, d), { recursive: true });
  }
  await fs.promises.writeFile(join(cacheDir, "HEAD"), "ref: refs/heads/main\n");
  // Written last: its presence marks a complete repository.
  await fs.promises.writeFile(
    config,
    "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n",
    { flag: "wx" },
  ).catch((err: { code?: string }) => {
    if (err.code !== "EEXIST") throw err;
  });
}

/**
 * Stores a received pack as `objects/pack/pack-<sha>.{pack,idx}`. It is indexed in a private
 * directory first and moved in pack-then-idx order, so no reader ever sees an index without its pack.
 */
async function storePack(cacheDir: string, pack: Uint8Array, store: ObjectStore): Promise<void> {
  if (pack.length < 32) throw new RemoteError("remote sent a truncated pack");
  const body = pack.subarray(0, pack.length - 20);
  const sha = Buffer.from(pack.subarray(pack.length - 20)).toString("hex");
  if (createHash("sha1").update(body).digest("hex") !== sha) throw new RemoteError("remote sent a corrupt pack (checksum mismatch)");
  const packDir = join(cacheDir, "objects", "pack");
  const final = join(packDir, `pack-${sha}`);
  if (await fs.promises.stat(`${final}.idx`).then(() => true, () => false)) return;
  const tmp = await fs.promises.mkdtemp(join(packDir, ".tmp-"));
  try {
    await fs.promises.writeFile(join(tmp, "incoming.pack"), pack);
    try {
      await indexPack({ fs, dir: tmp, gitdir: cacheDir, filepath: "incoming.pack", cache: store.cache });
    } catch (err) {
      throw new RemoteError(`remote sent a pack that could not be indexed: ${(err as Error).message}`);
    }
    await fs.promises.rename(join(tmp, "incoming.pack"), `${final}.pack`);
    await fs.promises.rename(join(tmp, "incoming.idx"), `${final}.idx`);
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}

async function isAncestor(
  cacheDir: string,
  store: ObjectStore,
  ancestor: string,
  descendant: string,
): Promise<boolean | undefined> {
  const a = await peel(store, ancestor);
  const d = await peel(store, descendant);
  if (!a || !d) return undefined;
  // Like the native engine (`<oid>^{commit}`): only commits take part.
  if (a.type !== "commit" || d.type !== "commit") return undefined;
  if (a.oid === d.oid) return true;
  try {
    return await isDescendent({ fs: store.fs, gitdir: cacheDir, oid: d.oid, ancestor: a.oid, depth: -1, cache: store.cache });
  } catch (err) {
    // A hole in the history (a commit the cache never received) means we cannot say.
    if ((err as { code?: string }).code === "NotFoundError") return undefined;
    throw err;
  }
}
