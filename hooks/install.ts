// Installs, removes and inspects the post-receive shim in a bare repository, wherever that
// repository's server runs hooks from:
//   GitLab (Gitaly)   custom_hooks/post-receive.d/<file>, or custom_hooks/post-receive
//   core.hooksPath    <hooksPath>/post-receive(.d) when the repo's own config sets it
//   Gitea             hooks/post-receive.d/<file> (Gitea's hooks/post-receive runs each of them)
//   plain git         hooks/post-receive
// A post-receive that is already there is moved next to ours and still runs (chained); uninstall
// moves it back, byte for byte (a rename keeps content, mode and mtime).
import { access, chmod, constants, lstat, mkdir, readFile, readlink, rename, stat, unlink, writeFile } from "node:fs/promises";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { UsageError } from "../server/errors.ts";
import { runGit } from "../server/mirror/git/git-process.ts";
import { CHECKOUT, DENO_CONFIG, ENTRY, NODE_ENTRY } from "./paths.ts";
import { CHAINED_NAME, type InstalledSettings, readShimSettings, renderShim, RUNTIMES, type RuntimeName, type ShimSettings } from "./shim.ts";

/** Our file's name inside a post-receive.d directory. */
export const DROP_IN_NAME = "git-bridge";

export type LayoutName = "gitlab-dir" | "gitlab" | "hooks-path-dir" | "hooks-path" | "gitea-dir" | "hooks";

export interface HookLocation {
  layout: LayoutName;
  /** Where the shim goes. */
  path: string;
  /** Whether an existing hook at `path` is chained (single-file layouts) or not (post-receive.d). */
  chains: boolean;
}

export type InstallSettings = Omit<ShimSettings, "chained" | "checkout" | "entry" | "nodeEntry" | "denoConfig">;

export interface InstallReport {
  path: string;
  layout: LayoutName;
  /** The chained hook's path, when one runs before ours. */
  chained?: string;
  /** True when this install moved an existing hook aside (false on a re-install). */
  movedExisting: boolean;
  /** Installs found elsewhere (an older layout) and removed. */
  removed: string[];
}

export interface InstalledHook {
  path: string;
  layout: LayoutName;
  settings: InstalledSettings;
  chained?: string;
}

/** The repository's absolute git dir, or a UsageError saying what is wrong with it. */
export async function assertBareRepo(dir: string): Promise<string> {
  if (/[\0]/.test(dir)) throw new UsageError("the repository path contains a NUL byte");
  const abs = resolve(dir);
  const s = await stat(abs).catch(() => undefined);
  if (!s?.isDirectory()) throw new UsageError(`${JSON.stringify(abs)} is not a directory; give the path of a bare git repository (e.g. /srv/git/app.git)`);
  const r = await runGit({ args: ["--git-dir", abs, "rev-parse", "--is-bare-repository"], okCodes: [128] }).catch((e: Error) => ({ code: 128, stdout: "", stderr: e.message }));
  if (r.code !== 0) {
    const why = /dubious ownership/.test(r.stderr) ? " (git refuses it: it is owned by another user; run as that user)" : "";
    throw new UsageError(`${JSON.stringify(abs)} is not a git repository${why}; give the path of a bare repository`);
  }
  if (r.stdout.trim() !== "true") throw new UsageError(`${JSON.stringify(abs)} is not a bare repository; server-side hooks belong in the bare repository the server pushes into`);
  return abs;
}

const isDir = async (p: string) => (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
const exists = async (p: string) => (await lstat(p).catch(() => undefined)) !== undefined;

/** core.hooksPath from the repository's own config file (not the user's or the system's). */
async function hooksPathOf(repoDir: string): Promise<string | undefined> {
  const r = await runGit({ args: ["config", "--file", join(repoDir, "config"), "--type=path", "--get", "core.hooksPath"], okCodes: [1] });
  const v = r.stdout.trim();
  if (r.code !== 0 || v === "") return undefined;
  // githooks(5): a relative hooksPath is relative to where hooks run, which is $GIT_DIR for a bare repo.
  return isAbsolute(v) ? v : resolve(repoDir, v);
}

/** Every place a hook could be installed for this repo, the one in use first. */
async function candidates(repoDir: string): Promise<HookLocation[]> {
  const out: HookLocation[] = [];
  const custom = join(repoDir, "custom_hooks");
  if (await isDir(custom)) {
    if (await isDir(join(custom, "post-receive.d"))) out.push({ layout: "gitlab-dir", path: join(custom, "post-receive.d", DROP_IN_NAME), chains: false });
    out.push({ layout: "gitlab", path: join(custom, "post-receive"), chains: true });
  }
  const hooksPath = await hooksPathOf(repoDir);
  if (hooksPath) {
    if (await isDir(join(hooksPath, "post-receive.d"))) out.push({ layout: "hooks-path-dir", path: join(hooksPath, "post-receive.d", DROP_IN_NAME), chains: false });
    out.push({ layout: "hooks-path", path: join(hooksPath, "post-receive"), chains: true });
  }
  const hooks = join(repoDir, "hooks");
  if (await isDir(join(hooks, "post-receive.d"))) out.push({ layout: "gitea-dir", path: join(hooks, "post-receive.d", DROP_IN_NAME), chains: false });
  out.push({ layout: "hooks", path: join(hooks, "post-receive"), chains: true });
  return out;
}

export async function chooseLocation(repoDir: string): Promise<HookLocation> {
  const loc = (await candidates(repoDir))[0];
  // Old GitLab and some hand-made set-ups symlink hooks/ to a directory every repository shares:
  // a hook installed there would mirror every repository's pushes as this one.
  const hooksDir = loc.chains ? dirname(loc.path) : dirname(dirname(loc.path));
  const l = await lstat(hooksDir).catch(() => undefined);
  if (l?.isSymbolicLink() && loc.layout !== "hooks-path" && loc.layout !== "hooks-path-dir") {
    throw new UsageError(`${hooksDir} is a symlink to ${await readlink(hooksDir)}, which other repositories may share; set core.hooksPath in this repository's config or use custom_hooks/ instead`);
  }
  return loc;
}

export async function findInstalled(repoDir: string): Promise<InstalledHook[]> {
  const found: InstalledHook[] = [];
  const seen = new Set<string>();
  for (const c of await candidates(repoDir)) {
    if (seen.has(c.path)) continue;
    seen.add(c.path);
    const text = await readFile(c.path, "utf8").catch(() => undefined);
    const settings = text === undefined ? undefined : readShimSettings(text);
    if (!settings) continue;
    const chainedPath = join(dirname(c.path), CHAINED_NAME);
    found.push({ path: c.path, layout: c.layout, settings, ...(c.chains && (await exists(chainedPath)) ? { chained: chainedPath } : {}) });
  }
  return found;
}

export async function installHook(repoDirIn: string, s: InstallSettings): Promise<InstallReport> {
  const repoDir = await assertBareRepo(repoDirIn);
  const loc = await chooseLocation(repoDir);
  const removed: string[] = [];
  for (const old of await findInstalled(repoDir)) {
    if (old.path === loc.path) continue;
    await removeAt(old);
    removed.push(old.path);
  }
  await mkdir(dirname(loc.path), { recursive: true });

  let chained = "";
  let movedExisting = false;
  if (loc.chains) {
    const chainedPath = join(dirname(loc.path), CHAINED_NAME);
    const current = await readFile(loc.path, "utf8").catch(() => undefined);
    const ours = current !== undefined && readShimSettings(current) !== undefined;
    const present = await exists(loc.path);
    if (present && !ours) {
      if (await exists(chainedPath)) {
        throw new UsageError(`both ${loc.path} and ${chainedPath} exist and the first is not git-bridge's; move one of them away and install again`);
      }
      await rename(loc.path, chainedPath);
      movedExisting = true;
    }
    if (await exists(chainedPath)) chained = CHAINED_NAME;
  }

  const text = renderShim({ ...s, chained, checkout: CHECKOUT, entry: ENTRY, nodeEntry: NODE_ENTRY, denoConfig: DENO_CONFIG });
  const tmp = `${loc.path}.git-bridge-tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o755 });
  await chmod(tmp, 0o755); // the umask may have taken bits away
  await rename(tmp, loc.path);
  return { path: loc.path, layout: loc.layout, ...(chained ? { chained: join(dirname(loc.path), chained) } : {}), movedExisting, removed };
}

export interface UninstallReport {
  removed: string[];
  /** Hooks put back where they were before install. */
  restored: string[];
}

export async function uninstallHook(repoDirIn: string): Promise<UninstallReport> {
  const repoDir = await assertBareRepo(repoDirIn);
  const report: UninstallReport = { removed: [], restored: [] };
  for (const h of await findInstalled(repoDir)) {
    if (await removeAt(h)) report.restored.push(h.path);
    report.removed.push(h.path);
  }
  return report;
}

/** Removes our shim; puts the chained hook back in its place. True when one was restored. */
async function removeAt(h: InstalledHook): Promise<boolean> {
  await unlink(h.path);
  if (!h.chained) return false;
  await rename(h.chained, h.path);
  return true;
}

/** Which runtimes the shim would find, PATH first, then the checkout's node_modules/.bin. */
export async function availableRuntimes(path: string): Promise<Array<{ name: RuntimeName; path: string }>> {
  const out: Array<{ name: RuntimeName; path: string }> = [];
  for (const name of RUNTIMES) {
    const dirs = [...path.split(delimiter).filter(Boolean), join(CHECKOUT, "node_modules", ".bin")];
    for (const d of dirs) {
      const p = join(d, name);
      if (await access(p, constants.X_OK).then(() => true, () => false)) {
        out.push({ name, path: p });
        break;
      }
    }
  }
  return out;
}
