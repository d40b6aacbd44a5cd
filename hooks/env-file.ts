// The env file a hook loads its config's ${VARS} from: a git server runs hooks with its own small
// environment, and the shim must not hold secrets. dotenv-style KEY=VALUE lines; a problem names
// the line number only, never the line (it may hold a secret).
import { readFile } from "node:fs/promises";

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEnvFile(text: string, file = "env file"): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const body = line.startsWith("export ") ? line.slice("export ".length).trimStart() : line;
    const eq = body.indexOf("=");
    const key = eq < 0 ? "" : body.slice(0, eq).trim();
    if (!KEY.test(key)) throw new Error(`${file}:${i + 1}: expected KEY=VALUE`);
    let value = body.slice(eq + 1).trim();
    const q = value[0];
    if ((q === "'" || q === '"') && value.length >= 2 && value.endsWith(q)) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\([\\"n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    } else if (q === "'" || q === '"') {
      throw new Error(`${file}:${i + 1}: unterminated quote`);
    }
    out[key] = value;
  });
  return out;
}

export async function loadEnvFile(path: string): Promise<Record<string, string>> {
  return parseEnvFile(await readFile(path, "utf8"), path);
}
