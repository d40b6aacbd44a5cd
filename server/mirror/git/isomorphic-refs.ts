// Local refs of a bare cache, read and written the way git itself does (loose files over
// packed-refs, `<ref>.lock` + rename), so the native git CLI can share the same cache.
import * as fs from "node:fs";
import { dirname, join } from "node:path";
import { BusyError, UnsafeInputError } from "../../errors.ts";
import type { LocalRefUpdate, RefMap } from "./types.ts";

const OID = /^[0-9a-f]{40}$/;
// git check-ref-format: no `..`, `//`, `/.` or trailing `/`/`.`, no control characters, spaces,
// `~^:?*[\`, no `@{`, no component ending in `.lock`.
const BAD_REF = /(^|[/.])([/.]|$)|^@$|@\{|[\x00-\x20\x7f~^:?*[\\]|\.lock(\/|$)/;

/** A full ref name that is safe both on the wire and as a path below the git directory. */
export function isSafeRefName(name: string): boolean {
  return name.startsWith("refs/") && !BAD_REF.test(name);
}

/** Exact ref name, or a pattern with one `*` matching any characters including `/`. */
export function matchesPattern(name: string, pattern: string): boolean {
  const star = pattern.indexOf("*");
  if (star < 0) return name === pattern;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return name.length >= head.length + tail.length && name.startsWith(head) && name.endsWith(tail);
}

export function matchesAny(name: string, patterns: string[]): boolean {
  return patterns.some((p) => matchesPattern(name, p));
}

/** Refs whose name is `prefix` or lies below it (component-wise, like `git for-each-ref`). */
export async function readLocalRefs(gitdir: string, prefix: string): Promise<RefMap> {
  const p = prefix.replace(/\/+$/, "");
  if (p.split("/").some((c) => c === ".." || c === ".")) {
    throw new UnsafeInputError(`ref prefix ${JSON.stringify(prefix)} is not a valid ref path`);
  }
  const inScope = (name: string) => !p || name === p || name.startsWith(`${p}/`);
  const refs: RefMap = new Map();
  for (const [name, oid] of await readPackedRefs(gitdir)) if (inScope(name)) refs.set(name, oid);
  // Loose refs win over packed ones.
  await walkLoose(gitdir, p || "refs", refs);
  return new Map([...refs].filter(([name]) => inScope(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function readPackedRefs(gitdir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const text = await fs.promises.readFile(join(gitdir, "packed-refs"), "utf8").catch(() => "");
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#") || line.startsWith("^")) continue;
    const sp = line.indexOf(" ");
    if (sp === 40 && OID.test(line.slice(0, 40))) out.set(line.slice(41), line.slice(0, 40));
  }
  return out;
}

async function walkLoose(gitdir: string, rel: string, into: RefMap): Promise<void> {
  // Directory entries carry their type, and siblings are read in parallel: a cache holds hundreds
  // of loose refs, and one stat + read after another cost ~0.5 ms each.
  const top = await fs.promises.stat(join(gitdir, rel)).catch(() => undefined);
  if (!top) return;
  if (top.isFile()) return readLoose(gitdir, rel, into);
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.promises.readdir(join(gitdir, dir), { withFileTypes: true }).catch(() => []);
    await Promise.all(entries.map((e) => {
      const child = `${dir}/${e.name}`;
      if (e.isDirectory()) return walk(child);
      return e.isFile() ? readLoose(gitdir, child, into) : undefined;
    }));
  };
  await walk(rel);
}

async function readLoose(gitdir: string, rel: string, into: RefMap): Promise<void> {
  if (rel.endsWith(".lock")) return;
  const text = (await fs.promises.readFile(join(gitdir, rel), "utf8").catch(() => "")).trim();
  if (OID.test(text)) into.set(rel, text); // symbolic refs ("ref: …") are not mirrored
}

/**
 * Applies ref updates: deletes first (so `a` → `a/b` renames work), then writes, each through a
 * `<ref>.lock` file created exclusively, which also respects locks held by a native git process.
 */
export async function applyRefUpdates(gitdir: string, updates: LocalRefUpdate[]): Promise<void> {
  for (const u of updates) {
    if (!isSafeRefName(u.ref)) throw new UnsafeInputError(`refusing to write invalid ref name ${JSON.stringify(u.ref)}`);
    if (u.oid !== null && !OID.test(u.oid)) throw new UnsafeInputError(`invalid object id for ${u.ref}`);
  }
  const deletes = updates.filter((u) => u.oid === null).map((u) => u.ref);
  if (deletes.length) await deleteRefs(gitdir, deletes);
  for (const u of updates) if (u.oid !== null) await writeLocked(gitdir, u.ref, `${u.oid}\n`);
}

async function writeLocked(gitdir: string, rel: string, content: string): Promise<void> {
  const path = join(gitdir, rel);
  await fs.promises.mkdir(dirname(path), { recursive: true });
  // An empty directory left where the ref goes (from deleted `x/…` refs) is git's to remove too.
  await fs.promises.rmdir(path).catch(() => {});
  const lock = `${path}.lock`;
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(lock, "wx");
  } catch (err) {
    if ((err as { code?: string }).code === "EEXIST") {
      throw new BusyError(`${rel} is locked by another git process (${rel}.lock exists): retry later`, { ref: rel });
    }
    throw err;
  }
  try {
    await fh.writeFile(content);
  } finally {
    await fh.close();
  }
  try {
    await fs.promises.rename(lock, path);
  } catch (err) {
    await fs.promises.unlink(lock).catch(() => {});
    throw err;
  }
}

async function deleteRefs(gitdir: string, refs: string[]): Promise<void> {
  for (const ref of refs) {
    await fs.promises.unlink(join(gitdir, ref)).catch((err: { code?: string }) => {
      if (err.code !== "ENOENT" && err.code !== "EISDIR") throw err;
    });
    await pruneEmptyDirs(gitdir, dirname(ref));
  }
  const packedPath = join(gitdir, "packed-refs");
  const text = await fs.promises.readFile(packedPath, "utf8").catch(() => "");
  if (!text) return;
  const gone = new Set(refs);
  const kept: string[] = [];
  let dropping = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("^")) {
      if (!dropping) kept.push(line); // a peel line belongs to the ref above it
      continue;
    }
    dropping = line.length > 41 && !line.startsWith("#") && gone.has(line.slice(41));
    if (!dropping) kept.push(line);
  }
  const next = kept.join("\n");
  if (next !== text) await writeLocked(gitdir, "packed-refs", next.endsWith("\n") ? next : `${next}\n`);
}

/** Removes now-empty directories from `rel` up to (not including) `refs/`, like git does. */
async function pruneEmptyDirs(gitdir: string, rel: string): Promise<void> {
  let dir = rel;
  while (dir.startsWith("refs/") && dir.split("/").length > 2) {
    try {
      await fs.promises.rmdir(join(gitdir, dir));
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}
