// A long-lived part of the running bridge (the HTTP listener aside): the hook spool drain, SQS
// consumers, the reconcile scheduler, the Slack app. The composition root (server/bridge.ts) starts
// every service after the queue is open and stops them, in reverse order, before the queue closes,
// so a trigger never enqueues into a closed queue. A new trigger is one more entry in that list.

export interface ServiceHealth {
  ok: boolean;
  /** Shown in /ready's detail; redacted by the service. */
  detail?: string;
}

export interface Service {
  name: string;
  start(): Promise<void> | void;
  /** Stop taking new work; finish or release in-flight work within the deadline. */
  stop(deadlineMs: number): Promise<void> | void;
  /** Readiness detail. A degraded service (say, SQS unreachable) is reported, never fatal to liveness. */
  health?(): ServiceHealth;
}

export interface ServiceGroup {
  start(): Promise<void>;
  stop(deadlineMs: number): Promise<void>;
  health(): Record<string, ServiceHealth>;
}

/** Starts services in order; if one fails to start, the ones already started are stopped again. */
export function serviceGroup(services: Service[], log: { warn(msg: string, f?: Record<string, unknown>): void }): ServiceGroup {
  const started: Service[] = [];
  return {
    async start() {
      for (const s of services) {
        try {
          await s.start();
        } catch (err) {
          await this.stop(5_000);
          throw err;
        }
        started.push(s);
      }
    },
    async stop(deadlineMs) {
      while (started.length) {
        const s = started.pop()!;
        try {
          await s.stop(deadlineMs);
        } catch (err) {
          log.warn("service did not stop cleanly", { service: s.name, error: String(err) });
        }
      }
    },
    health() {
      const out: Record<string, ServiceHealth> = {};
      for (const s of services) if (s.health) out[s.name] = s.health();
      return out;
    },
  };
}
