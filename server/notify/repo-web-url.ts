// The web page of a repository on its host, for the "Target" link in Slack messages. Never the
// git remote URL: that one is for git, and a browser would get a 401 or a download from it.
import { providerBaseUrl } from "../config/base-url.ts";
import type { ProviderConfig } from "../config/types.ts";

/**
 * github/gitlab/gitea/git: `<base_url>/<path>` (a trailing `.git` dropped);
 * codecommit: the AWS console page of the repository in its region.
 * undefined when the provider has no usable base URL or region.
 */
export function repoWebUrl(provider: ProviderConfig, path: string): string | undefined {
  const clean = path.replace(/\.git$/, "");
  const encoded = clean.split("/").map(encodeURIComponent).join("/");
  if (provider.type === "codecommit") {
    const region = provider.region ?? regionFromBaseUrl(provider.baseUrl);
    // A region goes into a host name: accept only what AWS region names look like.
    if (!region || !/^[a-z0-9-]+$/.test(region)) return undefined;
    return `https://${region}.console.aws.amazon.com/codesuite/codecommit/repositories/${encoded}/browse?region=${region}`;
  }
  const base = providerBaseUrl(provider);
  if (!base || !/^https?:\/\//i.test(base)) return undefined;
  return `${base.replace(/\/+$/, "")}/${encoded}`;
}

/** `https://git-codecommit.eu-west-1.amazonaws.com` → `eu-west-1`. */
function regionFromBaseUrl(baseUrl: string | undefined): string | undefined {
  if (!baseUrl) return undefined;
  return /^https:\/\/git-codecommit(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com/i.exec(baseUrl)?.[1];
}
