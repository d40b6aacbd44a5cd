// Errors of the queue itself (the engine's errors live in server/errors.ts).
import { BridgeError } from "../errors.ts";

/** enqueue() after close() began: the service is shutting down. */
export class QueueClosedError extends BridgeError {
  constructor() {
    super(
      "queue_closed",
      "the sync queue is shutting down and takes no new requests; send the request again once the service is back",
    );
  }
}

/** The journal could not be written, so nothing can be acknowledged any more. */
export class QueueUnavailableError extends BridgeError {
  constructor(path: string, cause: string) {
    super(
      "queue_unavailable",
      `the sync queue cannot write its journal ${path} (${cause}); check the disk under WORK_DIR and restart the service`,
      { path },
    );
  }
}

/** The abort reason given to syncs still running at the shutdown deadline. */
export class ShutdownAbortError extends BridgeError {
  constructor(deadlineMs: number) {
    super(
      "shutdown",
      `the service is shutting down and this sync passed the ${deadlineMs} ms shutdown deadline; it stays queued and runs again after the restart`,
    );
  }
}
