// `/gitbridge <subcommand> …` text → what to do. Pure; the handlers validate the repo and ref.
import { DIRECTIONS } from "../../server/config/direction.ts";

export type Command =
  | { kind: "retry"; repo?: string; ref?: string; direction?: string }
  | { kind: "status"; repo?: string }
  | { kind: "migrate"; action?: string; phase?: string }
  | { kind: "help"; unknown?: string };

/** Slack caps command text at a few KB; anything longer is not a command we know. */
const MAX_TEXT = 2000;

/**
 * `retry <repo> [ref] [direction]` (a lone direction after the repo is taken as the direction),
 * `status [repo]`, `help`; anything else is help with the unknown word named.
 */
export function parseCommand(text: string): Command {
  const words = text.slice(0, MAX_TEXT).trim().split(/\s+/).filter(Boolean);
  const [sub, ...args] = words;
  switch (sub?.toLowerCase()) {
    case "retry":
    case "sync": {
      const [repo, second, third] = args;
      if (second !== undefined && third === undefined && (DIRECTIONS as readonly string[]).includes(second)) {
        return { kind: "retry", repo, direction: second };
      }
      return { kind: "retry", ...(repo ? { repo } : {}), ...(second ? { ref: second } : {}), ...(third ? { direction: third } : {}) };
    }
    case "migrate":
      return { kind: "migrate", ...(args[0] ? { action: args[0].toLowerCase() } : {}), ...(args[1] ? { phase: args[1] } : {}) };
    case "status":
      return { kind: "status", ...(args[0] ? { repo: args[0] } : {}) };
    case undefined:
    case "help":
      return { kind: "help" };
    default:
      return { kind: "help", unknown: sub };
  }
}
