// A CodeCommit event as EventBridge delivers it into SQS ("CodeCommit Repository State Change"),
// parsed from the message body. Pure: bytes in, a reference event or the reason it can never be
// one out. Rules (API reference, "SQS Consumer"; AWS CodeCommit User Guide, monitoring-events):
// - detail.repositoryName names the repo, detail.referenceType (branch | tag) builds the full ref
//   from the short detail.referenceName EventBridge sends (`main`, `v1.0`); a full
//   detail.referenceFullName, or a referenceName that is already full (the API reference's own
//   example says `refs/heads/main`), is taken as it is;
// - referenceCreated / referenceUpdated / referenceDeleted are pushes; other CodeCommit events
//   (pull requests, comments, approvals) carry nothing to mirror;
// - region and account are top-level fields of the EventBridge envelope; the API reference's
//   example has only `detail`, so they are optional here and only checked when present.
import { refFormatProblem } from "../mirror/refname.ts";

export const REFERENCE_EVENTS = ["referenceCreated", "referenceUpdated", "referenceDeleted"] as const;
export type ReferenceEventName = (typeof REFERENCE_EVENTS)[number];

/** SQS messages are at most 256 KiB; anything larger is not an EventBridge event. */
export const MAX_EVENT_BYTES = 256 * 1024;

export interface ReferenceEvent {
  event: ReferenceEventName;
  repositoryName: string;
  /** Full ref name, e.g. refs/heads/main. */
  ref: string;
  deleted: boolean;
  /** EventBridge event id, when the envelope has one. */
  id?: string;
  region?: string;
  account?: string;
  commitId?: string;
}

/** A body that can never become a sync: it is deleted from the queue, with the reason logged. */
export interface Unusable {
  unusable: string;
}

export function parseCodeCommitEvent(body: string): ReferenceEvent | Unusable {
  if (body.length > MAX_EVENT_BYTES) return { unusable: `body is ${body.length} bytes, larger than an SQS message can be` };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { unusable: "body is not JSON (expected an EventBridge event from a rule on aws.codecommit)" };
  }
  if (!isObject(json)) return { unusable: "body is not a JSON object (expected an EventBridge event)" };
  if (json.source !== undefined && json.source !== "aws.codecommit") {
    return { unusable: `not a CodeCommit event (source ${JSON.stringify(json.source)}); narrow the EventBridge rule to source aws.codecommit` };
  }
  const detail = json.detail;
  if (!isObject(detail)) return { unusable: "not a CodeCommit event: no detail object" };
  const repositoryName = detail.repositoryName;
  if (typeof repositoryName !== "string" || repositoryName === "") {
    return { unusable: "not a CodeCommit reference event: detail.repositoryName is missing" };
  }
  const event = detail.event;
  if (!REFERENCE_EVENTS.includes(event as ReferenceEventName)) {
    return {
      unusable: `CodeCommit event ${JSON.stringify(event)} for ${repositoryName} is not a reference change ` +
        `(only ${REFERENCE_EVENTS.join(", ")} are mirrored); narrow the EventBridge rule to those`,
    };
  }
  const ref = fullRef(detail);
  if (typeof ref !== "string") return { unusable: `${repositoryName}: ${ref.problem}` };
  const out: ReferenceEvent = {
    event: event as ReferenceEventName,
    repositoryName,
    ref,
    deleted: event === "referenceDeleted",
  };
  const id = text(json.id);
  const region = text(json.region);
  const account = text(json.account);
  const commitId = text(detail.commitId);
  if (id !== undefined) out.id = id;
  if (region !== undefined) out.region = region;
  if (account !== undefined) out.account = account;
  if (commitId !== undefined) out.commitId = commitId;
  return out;
}

const PREFIX: Record<string, string> = { branch: "refs/heads/", tag: "refs/tags/" };

function fullRef(detail: Record<string, unknown>): string | { problem: string } {
  const full = text(detail.referenceFullName);
  const name = text(detail.referenceName);
  const type = text(detail.referenceType);
  let ref: string | undefined;
  if (full !== undefined) ref = full;
  else if (name?.startsWith("refs/")) ref = name;
  else if (name !== undefined && type !== undefined && PREFIX[type]) ref = PREFIX[type] + name;
  if (ref === undefined) {
    return {
      problem: name === undefined
        ? "detail.referenceName is missing"
        : `detail.referenceType ${JSON.stringify(type ?? null)} is neither branch nor tag, and no referenceFullName says which ref ${JSON.stringify(name)} is`,
    };
  }
  const problem = refFormatProblem(ref);
  return problem ? { problem: `reference ${JSON.stringify(ref)} ${problem}` } : ref;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const text = (x: unknown): string | undefined => (typeof x === "string" && x !== "" ? x : undefined);
