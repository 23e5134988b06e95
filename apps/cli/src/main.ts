/** CLI entry: `npm run cli -- <command> ...` (see `help`). Commands are registered in commands/index.ts. */
import 'reflect-metadata';
import { COMMANDS } from './commands';
import { runCli } from './dispatch';

runCli(process.argv.slice(2), COMMANDS, {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
