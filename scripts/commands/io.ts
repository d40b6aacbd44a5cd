// What a command may touch, passed in so tests run commands in-process with their own env.
export interface CliIo {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Filled in once config is loaded: every secret, so error output can be redacted. */
  secrets: string[];
  /** Asks a question and reads one line of the answer (undefined at end of input). */
  readLine?: (prompt: string) => Promise<string | undefined>;
}
