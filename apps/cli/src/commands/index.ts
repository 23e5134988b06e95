/** The registry: add a command by importing it and listing it here (one line each). */
import { CliCommand } from '../command';
import { tokenCommand } from './token.command';
import { importCommand } from './import.command';

export const COMMANDS: readonly CliCommand[] = [
  tokenCommand,
  importCommand,
];
