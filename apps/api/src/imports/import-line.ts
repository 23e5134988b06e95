import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { DossierAction, ReceiveInput } from '@motcua/application';
import { findUnsafeText, MAX_INPUT_DEPTH, nestedDeeperThan, onlyDateRangeErrors, unsafeTextMessage } from '@motcua/platform';
import { ApologiseDto, AssignDto, CommandBaseDto, EmptyCommandDto, RateDto, ReasonDto, ReceiveDossierDto, ResolveDto } from '../dossiers/dto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DTO_BY_COMMAND = {
  receive: ReceiveDossierDto,
  assign: AssignDto,
  'request-supplement': ReasonDto,
  'receive-supplement': EmptyCommandDto,
  apologise: ApologiseDto,
  resolve: ResolveDto,
  withdraw: ReasonDto,
  rate: RateDto,
} as const;
export type ImportCommandName = keyof typeof DTO_BY_COMMAND;
export const IMPORT_COMMANDS = Object.keys(DTO_BY_COMMAND) as ImportCommandName[];

export type ParsedLine =
  | { kind: 'receive'; dossierId: string; input: ReceiveInput; base: CommandBaseDto }
  | { kind: 'action'; dossierId: string; action: DossierAction; base: CommandBaseDto };

export class LineError extends Error {
  constructor(readonly status: number, message: string) {
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

/** Parses and validates one NDJSON line with the same DTOs as the HTTP routes. */
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
  if (typeof command !== 'string' || !(command in DTO_BY_COMMAND)) {
    throw new LineError(400, `command must be one of ${IMPORT_COMMANDS.join(', ')}`);
  }
  if (typeof dossierId !== 'string' || !UUID_RE.test(dossierId)) throw new LineError(400, 'dossierId must be a UUID');
  const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  if (own(raw as object, '__proto__') || own(body, 'constructor') || own(body, 'prototype')) throw new LineError(400, 'forbidden property name');
  const Dto = DTO_BY_COMMAND[command as ImportCommandName];
  const dto = plainToInstance(Dto as new () => object, body) as CommandBaseDto;
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  // as on the routes: a date outside the calendar's range, and nothing else wrong, is a 422
  if (errors.length) throw new LineError(onlyDateRangeErrors(errors) ? 422 : 400, flatten(errors).join('; '));
  const d = dto as never as Record<string, never>;
  switch (command as ImportCommandName) {
    case 'receive': {
      const r = dto as ReceiveDossierDto;
      if (r.id && r.id !== dossierId) throw new LineError(400, 'id and dossierId differ');
      return { kind: 'receive', dossierId, base: dto, input: { id: dossierId, unitCode: r.unitCode, procedureCode: r.procedureCode, channel: r.channel, applicant: { ...r.applicant } } };
    }
    case 'assign':
      return { kind: 'action', dossierId, base: dto, action: { action: 'assign', assignee: d.assignee, assigneeName: d.assigneeName, department: d.department } };
    case 'request-supplement':
      return { kind: 'action', dossierId, base: dto, action: { action: 'request-supplement', reason: d.reason } };
    case 'receive-supplement':
      return { kind: 'action', dossierId, base: dto, action: { action: 'receive-supplement' } };
    case 'apologise':
      return { kind: 'action', dossierId, base: dto, action: { action: 'apologise', reason: d.reason, newDueAt: new Date(d.newDueAt), letterNumber: d.letterNumber } };
    case 'resolve':
      return { kind: 'action', dossierId, base: dto, action: { action: 'resolve', outcome: d.outcome, note: d.note } };
    case 'withdraw':
      return { kind: 'action', dossierId, base: dto, action: { action: 'withdraw', reason: d.reason } };
    case 'rate':
      return { kind: 'action', dossierId, base: dto, action: { action: 'rate', rating: d.rating } };
  }
}
