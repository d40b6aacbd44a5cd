// One line from stdin after a prompt on stderr (so a prompt never mixes into piped stdout).
import { createInterface } from "node:readline/promises";

export async function readLine(prompt: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write(prompt);
  try {
    const it = rl[Symbol.asyncIterator]();
    const next = await it.next();
    return next.done ? undefined : next.value;
  } finally {
    rl.close();
  }
}
