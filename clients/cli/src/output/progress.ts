import ora, { type Ora } from 'ora';
import type { Session } from '../context.js';

/**
 * Live progress: a spinner when a person watches (stdout a terminal, table output), else one plain
 * line per change (CI logs, pipes). With json/yaml output the lines go to stderr, so stdout holds
 * only the data.
 */
export interface Progress {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
}

export function progress(session: Session): Progress {
  const table = session.format === 'table';
  if (table && session.io.stdout.isTTY) {
    const spinner: Ora = ora({ stream: session.io.stdout as NodeJS.WritableStream, color: session.out.enabled ? 'cyan' : false }).start();
    return {
      update: (text) => {
        spinner.text = text;
      },
      succeed: (text) => void spinner.succeed(text),
      fail: (text) => void spinner.fail(text),
    };
  }
  const stream = table ? session.io.stdout : session.io.stderr;
  let last = '';
  const line = (text: string) => {
    if (text !== last) stream.write(text + '\n');
    last = text;
  };
  return { update: line, succeed: line, fail: line };
}
