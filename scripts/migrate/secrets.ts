// Tokens the phases create (Gitea admin tokens, the runner registration token) never go into the
// state file or the logs. With `secrets: { mode: file }` they go to a 0600 JSON file (default
// WORK_DIR/migration.secrets.json) that later runs read back; with `mode: print` each is printed
// once, and later runs need it in migration.yaml (e.g. `token: ${GITEA_ADMIN_TOKEN}`).
import { chmod, readFile } from "node:fs/promises";
import { ConfigError } from "../../server/errors.ts";
import { writeFileAtomic } from "./state.ts";

export interface SecretStore {
  readonly mode: "file" | "print";
  get(name: string): Promise<string | undefined>;
  /** `hint` tells the user how to pass the value back on later runs (print mode). */
  put(name: string, value: string, hint: string): Promise<void>;
  remove(name: string): Promise<void>;
}

export function fileSecrets(path: string): SecretStore {
  const read = async (): Promise<Record<string, string>> => {
    try {
      return JSON.parse(await readFile(path, "utf8"));
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return {};
      throw new ConfigError(`cannot read the secrets file ${path}: ${(err as Error).message}`);
    }
  };
  const write = async (all: Record<string, string>) => {
    await writeFileAtomic(path, `${JSON.stringify(all, null, 2)}\n`, 0o600);
    await chmod(path, 0o600); // rename keeps the temp file's mode; this also fixes a file a user widened
  };
  return {
    mode: "file",
    get: async (name) => (await read())[name],
    put: async (name, value) => write({ ...(await read()), [name]: value }),
    remove: async (name) => {
      const all = await read();
      if (!(name in all)) return;
      delete all[name];
      await write(all);
    },
  };
}

/** Prints each secret once to `out` (stdout, not the log), remembering it only for this process. */
export function printedSecrets(out: (s: string) => void): SecretStore {
  const memory = new Map<string, string>();
  return {
    mode: "print",
    get: async (name) => memory.get(name),
    put: async (name, value, hint) => {
      memory.set(name, value);
      out(`\n  ${name}: ${value}\n  (shown once, stored nowhere: ${hint})\n\n`);
    },
    remove: async (name) => void memory.delete(name),
  };
}
