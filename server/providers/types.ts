// What a webhook delivery becomes once verified and parsed. Providers stay pure: they see the raw
// bytes and a header getter, never a request object, so every runtime's Request (and tests' plain
// `new Headers(...)`) fits.

export type WebhookProvider = "github" | "gitlab" | "gitea";

/** Anything with a case-insensitive `get`, such as the Fetch API `Headers`. */
export interface HeadersLike {
  get(name: string): string | null | undefined;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export interface PushDelivery {
  kind: "push";
  provider: WebhookProvider;
  /** GitHub/Gitea `repository.full_name`, GitLab `project.path_with_namespace`. */
  repoPath: string;
  /** Lower-case host[:port] of the sending instance, when the delivery says which one it is. */
  host?: string;
  /** Full ref name (`refs/heads/x`, `refs/tags/x`). */
  ref: string;
  before?: string;
  after?: string;
  /** The ref was deleted by this push. */
  deleted: boolean;
  actor?: string;
  deliveryId?: string;
}

export interface IgnoredDelivery {
  kind: "ignored";
  reason: string;
  deliveryId?: string;
}

export type ParsedDelivery = PushDelivery | IgnoredDelivery;
