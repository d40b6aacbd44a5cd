// migration.state.json under WORK_DIR: per phase its status, what it created (so teardown removes
// exactly that), what it adopted (left alone), and the snapshots teardown restores. Written after
// every step, atomically (temp file + fsync + rename), so a kill mid-write leaves the old or the
// new file, never half of one. Secrets are never stored here (see secrets.ts).
import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ConfigError } from "../../server/errors.ts";

export type PhaseStatus = "pending" | "running" | "done" | "failed" | "skipped" | "torn-down";

export interface Resource {
  /** e.g. "org", "repo", "token", "push-mirror", "branch-protection". */
  kind: string;
  server: "primary" | "backup" | "github";
  /** What identifies it on the server, e.g. "acme/app" or a push mirror's remote_name. */
  id: string;
  /** "intended" is written before the create call: a kill between the call and the record still
   * lets the next run know the resource it finds is ours. */
  state: "intended" | "created";
  detail?: Record<string, string | number | boolean>;
}

export interface PhaseState {
  status: PhaseStatus;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  created: Resource[];
  adopted: Resource[];
  snapshots: Record<string, unknown>;
  notes: string[];
}

export interface MigrationState {
  version: 1;
  org: string;
  phases: Record<string, PhaseState>;
}

export const emptyPhase = (): PhaseState => ({ status: "pending", created: [], adopted: [], snapshots: {}, notes: [] });

export class StateStore {
  readonly path: string;
  state: MigrationState;
  constructor(path: string, state: MigrationState) {
    this.path = path;
    this.state = state;
  }

  static async open(workDir: string, org: string): Promise<StateStore> {
    const path = join(workDir, "migration.state.json");
    let text: string | undefined;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as { code?: string }).code !== "ENOENT") throw err;
    }
    if (text === undefined) return new StateStore(path, { version: 1, org, phases: {} });
    let state: MigrationState;
    try {
      state = JSON.parse(text);
    } catch {
      throw new ConfigError(`${path} is not valid JSON; restore it from a backup or move it away to start over (nothing on the servers is changed by that)`);
    }
    if (state.version !== 1 || typeof state.phases !== "object") throw new ConfigError(`${path} is not a migration state file (version 1)`);
    if (state.org !== org) {
      throw new ConfigError(`${path} belongs to the migration of org "${state.org}", not "${org}": use another WORK_DIR, or tear that migration down first`);
    }
    return new StateStore(path, state);
  }

  /** Re-reads the file (after taking the migration lock, another process may have written it). */
  async reload(): Promise<void> {
    this.state = (await StateStore.open(dirname(this.path), this.state.org)).state;
  }

  phase(id: string): PhaseState {
    return this.state.phases[id] ??= emptyPhase();
  }

  async save(): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(this.state, null, 2)}\n`, 0o600);
  }
}

/** Writes `text` to a temp file beside `path`, syncs it, then renames it over `path`. */
export async function writeFileAtomic(path: string, text: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomUUID()}.tmp`;
  const fh = await open(tmp, "wx", mode);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}
