// Spool files the shell shim writes itself, when no runtime could start or the runtime failed
// before the push was safe (see shim.ts): WORK_DIR/spool/<id>.refs holds a header line (magic +
// the installed repo/side/mode/config as JSON) and git's ref lines exactly as git gave them.
// Whoever lists or drains the spool first adopts them: validates the lines as the hook would
// (parseUpdateLines), and turns the file into an ordinary <id>.json entry.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseUpdateLines } from "./protocol.ts";
import { RAW_SPOOL_MAGIC, RAW_SPOOL_SUFFIX } from "./shim.ts";
import type { SpoolEntry } from "./spool.ts";

const RAW_NAME = new RegExp(`^([\\w.-]+)${RAW_SPOOL_SUFFIX.replace(".", "\\.")}$`);
/** A shim writes one push's lines; anything bigger than this is not one (parseUpdateLines bounds the count). */
const MAX_RAW_BYTES = 4 * 1024 * 1024;

/** The entry a shim-written file stands for, or why it cannot be one. Pure. */
export function parseRawSpool(text: string, id: string, createdAt: Date): { entry: SpoolEntry; refused: string[] } | { error: string } {
  const nl = text.indexOf("\n");
  const head = nl < 0 ? text : text.slice(0, nl);
  if (!head.startsWith(`${RAW_SPOOL_MAGIC} `)) return { error: "not a git-bridge shim spool file" };
  let h: { repo?: unknown; side?: unknown; mode?: unknown; config?: unknown };
  try {
    h = JSON.parse(head.slice(RAW_SPOOL_MAGIC.length + 1));
  } catch {
    return { error: "its header is not JSON" };
  }
  if (typeof h.repo !== "string" || typeof h.config !== "string" || (h.side !== "source" && h.side !== "target") || (h.mode !== "push" && h.mode !== "notify")) {
    return { error: "its header lacks repo, side, mode or config" };
  }
  const { updates, refused } = parseUpdateLines(nl < 0 ? "" : text.slice(nl + 1));
  if (updates.length === 0) return { error: `no valid ref update in it${refused.length ? ` (${refused.length} refused)` : ""}` };
  return {
    entry: { version: 1, id, repo: h.repo, side: h.side, mode: h.mode, config: h.config, updates, created_at: createdAt.toISOString(), attempts: 0 },
    refused,
  };
}

/**
 * Turns every `<id>.refs` in the spool directory into `<id>.json`. A file is claimed by renaming it
 * first, so two drainers never adopt (and then deliver) the same push twice. Unusable files go to
 * spool/failed/ with their reason beside them.
 */
export async function adoptRawSpool(dir: string): Promise<{ adopted: string[]; failed: string[] }> {
  const out = { adopted: [] as string[], failed: [] as string[] };
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = name.match(RAW_NAME);
    if (!m) continue;
    const id = m[1];
    const claim = join(dir, `${name}.adopt-${process.pid}-${randomBytes(3).toString("hex")}`);
    try {
      await rename(join(dir, name), claim);
    } catch {
      continue; // another drainer adopted it
    }
    const s = await stat(claim).catch(() => undefined);
    const parsed = !s ? { error: "it vanished" } as const
      : s.size > MAX_RAW_BYTES ? { error: `it is over ${MAX_RAW_BYTES} bytes` } as const
      : parseRawSpool(await readFile(claim, "utf8"), id, s.mtime);
    if ("error" in parsed) {
      await mkdir(join(dir, "failed"), { recursive: true, mode: 0o700 });
      await rename(claim, join(dir, "failed", name)).catch(() => {});
      await writeFile(join(dir, "failed", `${name}.reason`), `${parsed.error}\n`, { mode: 0o600 }).catch(() => {});
      out.failed.push(id);
      continue;
    }
    const path = join(dir, `${id}.json`);
    const tmp = `${path}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
    await writeFile(tmp, `${JSON.stringify(parsed.entry)}\n`, { mode: 0o600 });
    await rename(tmp, path);
    await unlink(claim).catch(() => {});
    out.adopted.push(id);
  }
  return out;
}
