// Argument parsing shared by the commands: node:util parseArgs with our usage errors. Kept out of
// cli.ts so no command imports the entry module (under Deno, cli.ts is the main module with a
// top-level await, and importing it back from a dynamically imported command would deadlock).
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../../server/errors.ts";

export function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
