// Every HTTP request gets an id (the sender's X-Request-Id when it is a sane token, else a UUID),
// echoed in the response and put on the log lines the request causes, so one delivery can be
// followed from intake to its job (job_id) in the logs.
import type { Context } from "hono";

export { requestId } from "hono/request-id";

export const requestIdOf = (c: Context): string | undefined => (c.get as (key: string) => unknown)("requestId") as string | undefined;
