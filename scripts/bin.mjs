#!/usr/bin/env node
// `npx git-bridge …` on Node: the prebuilt bundle, or the TypeScript sources through tsx when the
// bundle is stale (scripts/launch.mjs). Deno and Bun run scripts/cli.ts directly.
import { load } from "./launch.mjs";

const { runCli } = await load("cli", "scripts/cli.ts");
process.exitCode = await runCli(process.argv.slice(2));
