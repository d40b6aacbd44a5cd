// What a button may do is decided when the message is posted, not when it is clicked: the server
// writes a record (repo, ref, direction, the diverged refs a Force may overwrite, where the
// message is) under WORK_DIR/slack/actions/ and the button carries only the record's random id.
// A forged or edited button value can name no other repo or ref. claim() makes an action run
// once: it creates <id>.claim exclusively (O_EXCL), so a double click and Slack's redelivery of
// the same click (x-slack-retry-num) find it taken, even across a restart.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Direction } from "../../server/config/types.ts";

export interface ActionRecord {
  id: string;
  repo: string;
  ref?: string;
  direction?: Direction;
  /** Refs that were diverged when the message was posted: what [Force from source] may overwrite. */
  diverged: string[];
  /** The job whose result the message shows. */
  job: string;
  channel: string;
  /** The message's ts, once posted. */
  ts?: string;
  /** The message as posted, to re-render it without its buttons (chat.update). */
  text?: string;
  blocks?: unknown[];
  created_at: string;
  /** A migration approval card (run) or teardown modal: the phase and who asked. */
  migration?: { kind: "run" | "teardown"; phase: string; requester: string };
}

export interface Claim {
  action: "retry" | "force" | "approve" | "reject" | "expired" | "teardown";
  user: string;
  at: string;
  job?: string;
}

const ID = /^[a-f0-9]{32}$/;

export function actionRecords(workDir: string) {
  const dir = join(workDir, "slack", "actions");
  const file = (id: string, ext: string) => join(dir, `${id}.${ext}`);
  const write = async (path: string, data: unknown) => {
    const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, JSON.stringify(data));
    await rename(tmp, path);
  };
  return {
    async create(r: Omit<ActionRecord, "id">): Promise<ActionRecord> {
      await mkdir(dir, { recursive: true });
      const rec = { id: randomBytes(16).toString("hex"), ...r };
      await write(file(rec.id, "json"), rec);
      return rec;
    },
    async update(rec: ActionRecord): Promise<void> {
      await write(file(rec.id, "json"), rec);
    },
    /** undefined for an id that is malformed or was never written by this server. */
    async get(id: unknown): Promise<ActionRecord | undefined> {
      if (typeof id !== "string" || !ID.test(id)) return undefined;
      const text = await readFile(file(id, "json"), "utf8").catch(() => undefined);
      return text === undefined ? undefined : JSON.parse(text) as ActionRecord;
    },
    /** true for the first caller only; later callers get the claim that won. */
    async claim(id: string, c: Claim): Promise<{ won: true } | { won: false; by?: Claim }> {
      try {
        await writeFile(file(id, "claim"), JSON.stringify(c), { flag: "wx" });
        return { won: true };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const by = await readFile(file(id, "claim"), "utf8").then((t) => JSON.parse(t) as Claim, () => undefined);
        return { won: false, by };
      }
    },
    /** Gives the action back when it could not be started (say, the queue is closed). */
    async release(id: string): Promise<void> {
      await unlink(file(id, "claim")).catch(() => {});
    },
    async setClaimJob(id: string, c: Claim): Promise<void> {
      await writeFile(file(id, "claim"), JSON.stringify(c));
    },
  };
}
export type ActionRecords = ReturnType<typeof actionRecords>;
