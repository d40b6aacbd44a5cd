// Where things live in a repo's bare cache (WORK_DIR/cache/<repo>.git): each side's refs under its
// own namespace, the ledger (the last SHA seen equal on both sides) under refs/bridge/ledger.
// Pure names and paths, shared by sync and status.
import { join } from "node:path";
import type { Config, RepoConfig, Side } from "../config/types.ts";
import type { RefMap } from "./git/types.ts";

export const NS: Record<Side, string> = { source: "refs/bridge/source", target: "refs/bridge/target" };
export const LEDGER = "refs/bridge/ledger";

/** refs/heads/x under namespace ns → ns/heads/x. */
export const inNs = (ns: string, ref: string) => `${ns}/${ref.slice("refs/".length)}`;

/** Refs read under a namespace, back to their full names. */
export const fromNs = (ns: string, refs: RefMap): RefMap =>
  new Map([...refs].map(([name, oid]) => [`refs/${name.slice(ns.length + 1)}`, oid]));

export const cacheDir = (config: Pick<Config, "workDir">, repo: Pick<RepoConfig, "name">) =>
  join(config.workDir, "cache", `${repo.name}.git`);
