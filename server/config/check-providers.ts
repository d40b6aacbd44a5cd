// providers: → Map<name, ProviderConfig>, with the rules that need more than one field.
import { checkBaseUrl, defaultBaseUrl, REGION } from "./base-url.ts";
import type { Report } from "./report.ts";
import type { RawProvider } from "./schema.ts";
import type { ProviderConfig, ProviderType } from "./types.ts";

/** Names become parts of directory names, lock names and log lines. */
export const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
export const SAFE_NAME_RULE = "letters, digits, . _ - only, not starting with - or .";


const NEEDS_BASE_URL: Partial<Record<ProviderType, string>> = {
  gitlab: "the GitLab instance, e.g. https://gitlab.example.com",
  gitea: "the Gitea instance, e.g. https://gitea.example.com",
  git: "the smart-HTTP server that repository paths are appended to, e.g. https://git.example.com",
};

/** Empty strings mean "not set" (the Go bridge could not tell them apart either). */
export const blank = (
  s: string | undefined,
): string | undefined => (s === undefined || s === "" ? undefined : s);

export function buildProviders(
  raw: Record<string, RawProvider>,
  report: Report,
): Map<string, ProviderConfig> {
  const out = new Map<string, ProviderConfig>();
  for (const [name, p] of Object.entries(raw)) {
    const at = (...rest: string[]) => ["providers", name, ...rest];
    if (!SAFE_NAME.test(name)) {
      report.error(at(), `provider name "${name}" is not allowed: use ${SAFE_NAME_RULE}`, { key: true });
    }
    const flags = { allowInsecureHttp: p.allow_insecure_http, allowPrivateNetwork: p.allow_private_network };
    const region = blank(p.region);
    if (region !== undefined && !REGION.test(region)) {
      report.error(
        at("region"),
        `providers.${name}.region must be an AWS region such as eu-west-1 (got ${JSON.stringify(region)})`,
      );
    }
    const accountId = blank(p.account_id);
    if (accountId !== undefined && (p.type !== "codecommit" || !/^\d{12}$/.test(accountId))) {
      report.error(
        at("account_id"),
        p.type !== "codecommit"
          ? `providers.${name}.account_id is only for type codecommit; remove it`
          : `providers.${name}.account_id must be a 12-digit AWS account id (got ${JSON.stringify(accountId)})`,
      );
    }
    let baseUrl: string | undefined;
    const rawUrl = blank(p.base_url);
    if (rawUrl !== undefined) {
      const checked = checkBaseUrl(rawUrl, flags);
      if ("problem" in checked) report.error(at("base_url"), `providers.${name}.base_url ${checked.problem}`);
      else baseUrl = checked.url;
    } else if (NEEDS_BASE_URL[p.type]) {
      report.error(
        at(),
        `providers.${name}.base_url is required for type ${p.type} (${NEEDS_BASE_URL[p.type]})`,
        {
          key: true,
        },
      );
    } else if (p.type === "codecommit" && region === undefined) {
      report.error(
        at(),
        `providers.${name} (type codecommit) needs region (e.g. region: eu-west-1) or base_url`,
        {
          key: true,
        },
      );
    }
    baseUrl ??= defaultBaseUrl(p.type, region);

    const c = p.credentials;
    const credentials = {
      token: blank(c.token),
      gitUsername: blank(c.git_username),
      gitPassword: blank(c.git_password),
      username: blank(c.username),
    };
    if ((credentials.gitUsername === undefined) !== (credentials.gitPassword === undefined)) {
      const missing = credentials.gitUsername === undefined ? "git_username" : "git_password";
      report.error(
        at("credentials"),
        `providers.${name}.credentials needs both git_username and git_password (${missing} is missing)`,
      );
    }
    if (credentials.token !== undefined && credentials.gitPassword !== undefined) {
      report.warn(
        at("credentials"),
        `providers.${name}.credentials has both token and git_password; the token is used`,
      );
    }
    for (const k of Object.keys(credentials) as (keyof typeof credentials)[]) {
      if (credentials[k] === undefined) delete credentials[k];
    }
    out.set(name, {
      name,
      type: p.type,
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      ...(region !== undefined ? { region } : {}),
      ...(accountId !== undefined ? { accountId } : {}),
      credentials,
      ...flags,
    });
  }
  return out;
}
