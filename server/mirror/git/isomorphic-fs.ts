// A node:fs view for isomorphic-git's object reads within one operation. Each readObject() costs
// isomorphic-git five async filesystem calls (two probes of an undefined path, a stat of the
// gitdir, a loose-object read that usually fails, a readdir of objects/pack); through the thread
// pool that is ~0.3 ms per object and dominated a 1,500-object push. Here the repeatable answers are
// remembered, so a read of a packed object touches the disk only for the pack itself.
// Create one per operation: nothing written after it was created (a new pack) is seen.
import * as fs from "node:fs";
import { join } from "node:path";

type Promises = typeof fs.promises;

// One shared error: isomorphic-git only checks that the read failed, and building a fresh Error
// (with its stack) for every probe was a visible part of the cost.
const ENOENT = Object.assign(new Error("ENOENT: no such file or directory"), { code: "ENOENT" });
const missing = (_path: unknown) => ENOENT;

export function snapshotFs(gitdir: string): { promises: Promises } {
  const real = fs.promises;
  const objects = join(gitdir, "objects");
  const packDir = join(objects, "pack");
  const looseDirs = new Map<string, Promise<Set<string>>>();
  let packList: Promise<string[]> | undefined;
  let gitdirStat: ReturnType<Promises["stat"]> | undefined;

  const promises = Object.create(real) as Promises;
  Object.assign(promises, {
    readFile(path: unknown, ...rest: unknown[]) {
      if (typeof path !== "string") return Promise.reject(missing(path));
      // Loose object probe: answer from one listing of objects/xx instead of a failing open().
      if (path.startsWith(objects + "/") && path.length === objects.length + 42 && path[objects.length + 3] === "/") {
        const dir = path.slice(0, objects.length + 3);
        let names = looseDirs.get(dir);
        if (!names) {
          names = real.readdir(dir).then((n) => new Set(n), () => new Set<string>());
          looseDirs.set(dir, names);
        }
        return names.then((n) => (n.has(path.slice(objects.length + 4)) ? real.readFile(path, ...(rest as [])) : Promise.reject(missing(path))));
      }
      return real.readFile(path, ...(rest as []));
    },
    readdir(path: unknown, ...rest: unknown[]) {
      if (path === packDir && rest.length === 0) return (packList ??= real.readdir(packDir));
      return real.readdir(path as string, ...(rest as []));
    },
    stat(path: unknown, ...rest: unknown[]) {
      if (path === gitdir && rest.length === 0) return (gitdirStat ??= real.stat(gitdir));
      return real.stat(path as string, ...(rest as []));
    },
  });
  return { promises };
}
