#!/usr/bin/env node
// `npx git-bridge …` on Node: register tsx so the TypeScript sources run as they are, then hand
// over to the CLI. Deno and Bun run scripts/cli.ts directly.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("./cli.ts");
process.exitCode = await runCli(process.argv.slice(2));
