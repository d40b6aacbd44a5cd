// Object access and the "what does the remote lack" walk for the isomorphic engine. Objects are
// read through isomorphic-git (loose and packed, deltas resolved); headers are parsed here.
import { readObject } from "isomorphic-git";
import { snapshotFs } from "./isomorphic-fs.ts";

export type ObjectType = "commit" | "tree" | "blob" | "tag";

export interface RawObject {
  type: ObjectType;
  content: Uint8Array;
}

export interface ObjectStore {
  /** undefined when the object is not in the repository. */
  read(oid: string): Promise<RawObject | undefined>;
  has(oid: string): Promise<boolean>;
  /** The isomorphic-git cache shared by every read in this operation (pack indexes stay loaded). */
  cache: object;
  /** The filesystem view isomorphic-git calls in this operation should use. */
  fs: ReturnType<typeof snapshotFs>;
}

/**
 * One operation's view of the object database. Commits, trees and tags read once are kept (the
 * push walk reads them and the pack writer needs them again); blobs are not.
 */
export function openStore(gitdir: string): ObjectStore {
  const cache = {};
  const fs = snapshotFs(gitdir);
  const memo = new Map<string, RawObject>();
  const known = new Set<string>();
  async function read(oid: string): Promise<RawObject | undefined> {
    const hit = memo.get(oid);
    if (hit) return hit;
    try {
      const r = await readObject({ fs, gitdir, oid, format: "content", cache });
      const obj = { type: r.type as ObjectType, content: r.object as Uint8Array };
      known.add(oid);
      if (obj.type !== "blob") memo.set(oid, obj);
      return obj;
    } catch (err) {
      if ((err as { code?: string }).code === "NotFoundError") return undefined;
      throw err;
    }
  }
  return {
    cache,
    fs,
    read,
    async has(oid) {
      return known.has(oid) || (await read(oid)) !== undefined;
    },
  };
}

const decoder = new TextDecoder();

/** Header lines of a commit or tag (up to the first blank line). */
function headers(content: Uint8Array): string[] {
  const text = decoder.decode(content);
  const end = text.indexOf("\n\n");
  return (end < 0 ? text : text.slice(0, end)).split("\n");
}

export interface CommitInfo {
  oid: string;
  tree: string;
  parents: string[];
  /** Committer time in seconds, for date-ordered walking. */
  time: number;
}

export function parseCommit(oid: string, content: Uint8Array): CommitInfo {
  const info: CommitInfo = { oid, tree: "", parents: [], time: 0 };
  for (const line of headers(content)) {
    if (line.startsWith("tree ")) info.tree = line.slice(5, 45);
    else if (line.startsWith("parent ")) info.parents.push(line.slice(7, 47));
    else if (line.startsWith("committer ")) info.time = Number(/ (\d+) [+-]\d{4}$/.exec(line)?.[1] ?? 0);
  }
  return info;
}

export function parseTagTarget(content: Uint8Array): { oid: string; type: ObjectType } {
  let oid = "";
  let type: ObjectType = "commit";
  for (const line of headers(content)) {
    if (line.startsWith("object ")) oid = line.slice(7, 47);
    else if (line.startsWith("type ")) type = line.slice(5) as ObjectType;
  }
  return { oid, type };
}

export interface TreeEntry {
  oid: string;
  kind: "tree" | "blob" | "gitlink";
}

/** Binary tree entries: `<mode> <name>\0<20-byte oid>`. */
export function parseTree(content: Uint8Array): TreeEntry[] {
  const out: TreeEntry[] = [];
  let at = 0;
  while (at < content.length) {
    const sp = content.indexOf(0x20, at);
    const nul = content.indexOf(0, sp);
    const mode = decoder.decode(content.subarray(at, sp));
    const oid = hex(content.subarray(nul + 1, nul + 21));
    out.push({ oid, kind: mode === "40000" || mode === "040000" ? "tree" : mode === "160000" ? "gitlink" : "blob" });
    at = nul + 21;
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** Follows tags down to the first non-tag object; undefined when something on the way is missing. */
export async function peel(store: ObjectStore, oid: string): Promise<{ oid: string; type: ObjectType } | undefined> {
  let cur = oid;
  for (let i = 0; i < 64; i++) {
    const obj = await store.read(cur);
    if (!obj) return undefined;
    if (obj.type !== "tag") return { oid: cur, type: obj.type };
    cur = parseTagTarget(obj.content).oid;
  }
  return undefined;
}

/**
 * Objects reachable from `wants` but not from `haves` (like `git rev-list --objects wants --not
 * haves`). Commits are walked newest first until only remote-known commits are left, so history
 * the remote has is not walked; trees of the boundary commits mark what the remote already holds.
 * Haves that are not in the store are ignored (they can only make the pack smaller).
 */
export async function objectsToSend(store: ObjectStore, wants: string[], haves: string[]): Promise<string[]> {
  const out: string[] = [];
  const sent = new Set<string>();
  const excluded = new Set<string>(); // non-commit objects the remote holds
  const uninteresting = new Set<string>(); // commits the remote holds
  const wantCommits: string[] = [];
  const wantTrees: string[] = [];
  const haveCommits: string[] = [];

  for (const oid of haves) {
    let cur = oid;
    for (let obj = await store.read(cur); obj; ) {
      if (obj.type === "commit") haveCommits.push(cur);
      else excluded.add(cur);
      if (obj.type !== "tag") break;
      cur = parseTagTarget(obj.content).oid;
      obj = await store.read(cur);
    }
  }
  for (const oid of wants) {
    let cur = oid;
    for (;;) {
      if (sent.has(cur) || excluded.has(cur)) break;
      const obj = await store.read(cur);
      if (!obj) throw new Error(`object ${cur} is missing from the cache`);
      if (obj.type === "commit") {
        wantCommits.push(cur);
        break;
      }
      if (obj.type === "tree") {
        wantTrees.push(cur);
        break;
      }
      sent.add(cur);
      out.push(cur);
      if (obj.type !== "tag") break;
      cur = parseTagTarget(obj.content).oid;
    }
  }

  // Date-ordered commit walk (git's limit_list, without the slop: clock skew only costs extra objects).
  const parsed = new Map<string, CommitInfo>();
  const queued = new Set<string>();
  const queue: CommitInfo[] = [];
  const enqueue = async (oid: string) => {
    if (queued.has(oid)) return;
    queued.add(oid);
    const obj = await store.read(oid);
    if (!obj || obj.type !== "commit") return; // remote history we never fetched
    const c = parseCommit(oid, obj.content);
    parsed.set(oid, c);
    let i = queue.length;
    while (i > 0 && queue[i - 1].time < c.time) i--;
    queue.splice(i, 0, c);
  };
  const markUninteresting = (oid: string) => {
    const stack = [oid];
    while (stack.length) {
      const o = stack.pop() as string;
      if (uninteresting.has(o)) continue;
      uninteresting.add(o);
      const c = parsed.get(o);
      if (c) stack.push(...c.parents);
    }
  };
  for (const oid of haveCommits) {
    markUninteresting(oid);
    await enqueue(oid);
  }
  for (const oid of wantCommits) await enqueue(oid);
  const walked: CommitInfo[] = [];
  while (queue.some((c) => !uninteresting.has(c.oid))) {
    const c = queue.shift() as CommitInfo;
    if (uninteresting.has(c.oid)) for (const p of c.parents) markUninteresting(p);
    else walked.push(c);
    for (const p of c.parents) await enqueue(p);
  }

  const commits = walked.filter((c) => !uninteresting.has(c.oid));
  // Boundary: remote-known parents of the commits we send. Their trees are what the remote has.
  const edges = new Set<string>();
  for (const c of commits) for (const p of c.parents) if (uninteresting.has(p) && parsed.has(p)) edges.add(p);
  for (const e of edges) await markTree(store, (parsed.get(e) as CommitInfo).tree, excluded);

  for (const c of commits) {
    sent.add(c.oid);
    out.push(c.oid);
  }
  const trees = [...commits.map((c) => c.tree), ...wantTrees];
  for (const t of trees) await collectTree(store, t, excluded, sent, out);
  return out;
}

/** Marks a tree and everything below it as held by the remote. */
async function markTree(store: ObjectStore, root: string, excluded: Set<string>): Promise<void> {
  const stack = [root];
  while (stack.length) {
    const oid = stack.pop() as string;
    if (excluded.has(oid)) continue;
    excluded.add(oid);
    const obj = await store.read(oid);
    if (!obj) continue;
    for (const e of parseTree(obj.content)) {
      if (e.kind === "tree") stack.push(e.oid);
      else if (e.kind === "blob") excluded.add(e.oid);
    }
  }
}

/** Adds a tree and the parts of it the remote lacks; an excluded subtree is skipped whole. */
async function collectTree(
  store: ObjectStore,
  root: string,
  excluded: Set<string>,
  sent: Set<string>,
  out: string[],
): Promise<void> {
  const stack = [root];
  while (stack.length) {
    const oid = stack.pop() as string;
    if (excluded.has(oid) || sent.has(oid)) continue;
    sent.add(oid);
    out.push(oid);
    const obj = await store.read(oid);
    if (!obj) throw new Error(`tree ${oid} is missing from the cache`);
    for (const e of parseTree(obj.content)) {
      if (e.kind === "tree") stack.push(e.oid);
      else if (e.kind === "blob" && !excluded.has(e.oid) && !sent.has(e.oid)) {
        sent.add(e.oid);
        out.push(e.oid);
      }
    }
  }
}
