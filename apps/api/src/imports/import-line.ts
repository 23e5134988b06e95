import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { DossierAction, ReceiveInput } from '@motcua/application';
import { findUnsafeText, MAX_INPUT_DEPTH, nestedDeeperThan, onlyDateRangeErrors, unsafeTextMessage } from '@motcua/platform';
import { DOSSIER_COMMAND_NAMES, DOSSIER_COMMANDS, DossierCommandName, DtoOf, stepAction } from '../dossiers/command-table';
import { CommandBaseDto, ReceiveDossierDto, RefuseAtReceptionDto } from '../dossiers/dto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The import's commands are the table's: `"command": "<entry name>"`. */
export type ImportCommandName = DossierCommandName;
export const IMPORT_COMMANDS = DOSSIER_COMMAND_NAMES;

export type ParsedLine =
  | { kind: 'receive'; dossierId: string; input: ReceiveInput; base: CommandBaseDto }
  | { kind: 'action'; dossierId: string; action: DossierAction; base: CommandBaseDto };

export class LineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? `${prefix ? prefix + '.' : ''}${m}` : `${path}: ${m}`));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Parses and validates one NDJSON line with the same table entry (DTO and mapping) as the HTTP route. */
export function parseImportLine(text: string): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LineError(400, 'not valid JSON');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new LineError(400, 'each line must be a JSON object');
  if (nestedDeeperThan(raw, MAX_INPUT_DEPTH)) throw new LineError(400, `nested more than ${MAX_INPUT_DEPTH} levels deep`);
  // the same check as every JSON body's (the validation pipe): this line alone is refused
  const unsafe = findUnsafeText(raw);
  if (unsafe !== undefined) throw new LineError(400, unsafeTextMessage(unsafe));
  const { command, dossierId, ...body } = raw as Record<string, unknown>;
  if (typeof command !== 'string' || !Object.prototype.hasOwnProperty.call(DOSSIER_COMMANDS, command)) {
    throw new LineError(400, `command must be one of ${IMPORT_COMMANDS.join(', ')}`);
  }
  if (typeof dossierId !== 'string' || !UUID_RE.test(dossierId)) throw new LineError(400, 'dossierId must be a UUID');
  const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  if (own(raw as object, '__proto__') || own(body, 'constructor') || own(body, 'prototype')) throw new LineError(400, 'forbidden property name');
  const name = command as ImportCommandName;
  const dto = plainToInstance(DOSSIER_COMMANDS[name].dto as new () => CommandBaseDto, body);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  // as on the routes: a date outside the calendar's range, and nothing else wrong, is a 422
  if (errors.length) throw new LineError(onlyDateRangeErrors(errors) ? 422 : 400, flatten(errors).join('; '));
  // the same mapping as the route's (the table entry's)
  if (name === 'receive' || name === 'refuse') {
    // a refusal at the counter goes the reception's way (same code numbering), its input carrying the refusal
    const input =
      name === 'refuse' ? DOSSIER_COMMANDS.refuse.toAction(dto as RefuseAtReceptionDto) : DOSSIER_COMMANDS.receive.toAction(dto as ReceiveDossierDto);
    if (input.id && input.id !== dossierId) throw new LineError(400, 'id and dossierId differ');
    return { kind: 'receive', dossierId, base: dto, input: { ...input, id: dossierId } };
  }
  return { kind: 'action', dossierId, base: dto, action: stepAction(name, dto as DtoOf<typeof name>) };
}
