/** What a CLI command is: a name, a one-line summary, a usage text and a `run`. */

/** Where a command writes and what it may read (injected so tests can capture output). */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
}

export interface CliCommand {
  name: string;
  /** One line for `help`. */
  summary: string;
  /** Full usage, shown by `help <command>` and on usage errors. */
  usage: string;
  /** Returns the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Bad arguments: the dispatcher prints the message and the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
