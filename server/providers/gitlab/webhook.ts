// GitLab webhooks (https://docs.gitlab.com/user/project/integrations/webhook_events/). GitLab does
// not sign deliveries: it sends the configured secret in X-Gitlab-Token, in plain text.
import { MalformedPayloadError } from "../errors.ts";
import { noSecret, sameToken } from "../signature.ts";
import type { HeadersLike, ParsedDelivery, VerifyResult } from "../types.ts";
import { compact, header, hostOf, isZeroId, readJsonObject, requireFullRef, requireStr, str } from "../webhook-body.ts";

/** `X-Gitlab-Token` must equal the secret; compared by hash so neither content nor length leaks. */
export function verify(_raw: Uint8Array, headers: HeadersLike, secret: string | undefined): VerifyResult {
  return verifyHeaders(headers, secret);
}

/** The whole check: GitLab's token is a header, so no body byte is needed (or read) to refuse. */
export function verifyHeaders(headers: HeadersLike, secret: string | undefined): VerifyResult {
  if (noSecret(secret)) return { ok: true };
  const token = header(headers, "X-Gitlab-Token");
  if (token === undefined) return { ok: false, reason: "missing X-Gitlab-Token header" };
  // web_hook_service.rb sends the hook token with line breaks removed; do the same to ours so a
  // secret pasted with a trailing newline still compares equal.
  const expected = secret.replace(/[\r\n]/g, "");
  if (!sameToken(token, expected)) {
    return {
      ok: false,
      reason: "X-Gitlab-Token does not match; check that the hook's secret token equals the configured GitLab webhook secret",
    };
  }
  return { ok: true };
}

// Project and group hooks name the event in X-Gitlab-Event; system hooks all say "System Hook" and
// carry the kind in object_kind (event_name on older versions).
const PUSH_HOOKS = new Set(["Push Hook", "Tag Push Hook"]);
const PUSH_KINDS = new Set(["push", "tag_push"]);

export function parse(raw: Uint8Array, headers: HeadersLike): ParsedDelivery {
  // Idempotency-Key (GitLab 17.4+) stays the same across retries; X-Gitlab-Event-UUID (14.8+)
  // is the older best effort.
  const deliveryId = header(headers, "Idempotency-Key") ?? header(headers, "X-Gitlab-Event-UUID");
  const event = header(headers, "X-Gitlab-Event");
  const body = readJsonObject(raw, headers, "gitlab");
  const kind = str(body, "object_kind") ?? str(body, "event_name");

  if (event === "System Hook") {
    if (kind === undefined || !PUSH_KINDS.has(kind)) {
      return compact({ kind: "ignored", reason: `system hook event ${kind ?? "(unnamed)"} is not mirrored`, deliveryId });
    }
  } else if (event !== undefined) {
    if (!PUSH_HOOKS.has(event)) return compact({ kind: "ignored", reason: `event ${event} is not mirrored`, deliveryId });
  } else if (kind === undefined) {
    throw new MalformedPayloadError("gitlab webhook: no X-Gitlab-Event header and no object_kind in the payload", {
      provider: "gitlab",
    });
  } else if (!PUSH_KINDS.has(kind)) {
    return compact({ kind: "ignored", reason: `event ${kind} is not mirrored`, deliveryId });
  }

  const after = str(body, "after");
  return compact({
    kind: "push",
    provider: "gitlab",
    repoPath: requireStr(body, "project.path_with_namespace", "gitlab"),
    // X-Gitlab-Instance (15.5+) is the instance's base URL, not a bare host as the docs suggest;
    // accept both forms.
    host: hostOf(str(body, "project.web_url")) ?? instanceHost(header(headers, "X-Gitlab-Instance")),
    ref: requireFullRef(body, "gitlab"),
    before: str(body, "before"),
    after,
    deleted: isZeroId(after),
    actor: str(body, "user_username") ?? str(body, "user_name"),
    deliveryId,
  });
}

function instanceHost(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return hostOf(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
}
