// A repo side's remote: its credential-free URL, checked against the address policy (scheme,
// private networks) at the moment of use, and the HTTP credentials that go with it.
import { httpAuth, remoteUrl } from "../config/remote-url.ts";
import type { Config } from "../config/types.ts";
import type { Remote } from "./git/types.ts";
import { checkRemoteUrl, type ResolveHost } from "./remote-policy.ts";

export async function remoteFor(config: Pick<Config, "providers">, providerName: string, path: string, resolve: ResolveHost): Promise<Remote> {
  const provider = config.providers.get(providerName)!;
  const url = remoteUrl(provider, path);
  // The addresses the check resolved are the only ones the engine may connect to (Remote.pin).
  const pin = await checkRemoteUrl(url, provider, resolve);
  return { url, auth: httpAuth(provider), ...(pin ? { pin } : {}) };
}
