// Picks the adapter for the runtime we are on. The only place that asks which runtime this is.
import type { Runtime } from "./types.ts";

export async function currentRuntime(): Promise<Runtime> {
  if ("Deno" in globalThis) return (await import("./deno.ts")).denoRuntime;
  if ("Bun" in globalThis) return (await import("./bun.ts")).bunRuntime;
  return (await import("./node.ts")).nodeRuntime;
}

export type { FetchHandler, Listener, Runtime } from "./types.ts";
