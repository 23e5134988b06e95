/** Picks the command named by the first argument; `help` lists them. Exit codes: 0 ok, 1 failed, 2 usage. */
import { CliCommand, CliIo, UsageError } from './command';

const HELP = new Set(['help', '--help', '-h']);

function listing(commands: readonly CliCommand[]): string {
  const width = Math.max(4, ...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  lines.push(`  ${'help'.padEnd(width)}  list the commands, or show one: help <command>`);
  return `Usage: npm run cli -- <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

export async function runCli(argv: readonly string[], commands: readonly CliCommand[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || HELP.has(name)) {
    const topic = name === undefined ? undefined : args[0];
    if (topic === undefined) {
      io.out(listing(commands));
      return 0;
    }
    const command = commands.find((c) => c.name === topic);
    if (!command) {
      io.err(`unknown command "${topic}"\n\n${listing(commands)}`);
      return 2;
    }
    io.out(`Usage: npm run cli -- ${command.usage}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`unknown command "${name}"\n\n${listing(commands)}`);
    return 2;
  }
  if (args.some((a) => a === '--help' || a === '-h')) {
    io.out(`Usage: npm run cli -- ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run([...args], io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${command.name}: ${err.message}\n\nUsage: npm run cli -- ${command.usage}\n`);
      return 2;
    }
    io.err(`${command.name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
