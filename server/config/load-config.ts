// The thin shell around parseConfig: find and read the file. Reading is injected so tests (and
// runtimes without node:fs) pass their own; the default uses node:fs, which Deno and Bun provide.
import { readFile as fsReadFile } from "node:fs/promises";
import { resolve } from "node:path";
import { cwd as processCwd } from "node:process";
import { ConfigError } from "../errors.ts";
import type { Env } from "./expand-env.ts";
import { parseConfig } from "./parse-config.ts";
import type { Config } from "./types.ts";

export { parseConfig } from "./parse-config.ts";

export interface LoadConfigOptions {
  /** As given by --config or CONFIG_PATH; relative paths resolve against `cwd`. */
  path: string;
  env: Env;
  /** Receives the absolute path; returns the file's text. */
  readFile?: (absolutePath: string) => Promise<string>;
  cwd?: string;
}

export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const cwd = options.cwd ?? processCwd();
  const absolute = resolve(cwd, options.path);
  const read = options.readFile ?? ((p: string) => fsReadFile(p, "utf8"));
  let text: string;
  try {
    text = await read(absolute);
  } catch (err) {
    const e = err as { code?: string; name?: string; message?: string };
    if (e?.code === "ENOENT" || e?.name === "NotFound") {
      throw new ConfigError(`config file not found: ${options.path} (set --config or CONFIG_PATH)`, {
        file: absolute,
      });
    }
    if (e?.code === "EISDIR") {
      throw new ConfigError(
        `config path is a directory, not a file: ${options.path} (set --config or CONFIG_PATH)`,
        { file: absolute },
      );
    }
    throw new ConfigError(`cannot read config file ${options.path}: ${e?.message ?? String(err)}`, {
      file: absolute,
    });
  }
  return parseConfig(text, options.path, options.env, { cwd });
}
