// SIGTERM/SIGINT through `process` (Node and Bun), delivered once.
export function onProcessSignals(handler: (signal: string) => void): void {
  let fired = false;
  const once = (signal: string) => {
    if (fired) return;
    fired = true;
    handler(signal);
  };
  process.on("SIGTERM", () => once("SIGTERM"));
  process.on("SIGINT", () => once("SIGINT"));
}
