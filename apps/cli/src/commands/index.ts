/** The registry: add a command by importing it and listing it here (one line each). */
import { CliCommand } from '../command';
import { tokenCommand } from './token.command';
import { importCommand } from './import.command';
import { rebuildCommand } from './rebuild.command';
import { verifyCommand } from './verify.command';
import { verifyProjectionsCommand } from './verify-projections.command';

export const COMMANDS: readonly CliCommand[] = [
  tokenCommand,
  importCommand,
  rebuildCommand,
  verifyCommand,
  verifyProjectionsCommand,
  require('./simulate.command').simulateCommand as CliCommand, // simulate: a realistic province and a year of dossiers
];
