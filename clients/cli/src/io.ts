/**
 * What a command may touch of its process: the streams it prints to, the environment, stdin and
 * the clock. main.ts passes the real ones; unit tests pass buffers, so a command is tested in-process.
 */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True when a person is watching (table output and spinners); false in pipes and CI. */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  /** The whole of stdin as text (`af login` reads a credential from it when no flag names one). */
  readStdin: () => Promise<string>;
  /** Milliseconds between two polls of a rollout (tests shorten it). */
  pollIntervalMs?: number;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    readStdin: async () => {
      if (process.stdin.isTTY) return '';
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
