import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Optional, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { ApplicationError, CommandContext, DossierService } from '@motcua/application';
import { DomainError, dossierStreamName } from '@motcua/domain';
import { WrongExpectedRevisionError } from '@motcua/event-store/port';
import { BadRequestProblem, CurrentUser, Metrics, Principal, Roles, UnsupportedMediaTypeProblem } from '@motcua/platform';
import { actorOf } from '../common/command-context';
import { LineError, ParsedLine, parseImportLine } from './import-line';

export interface ImportResult {
  accepted: number;
  /** Every rejected line, listed or not. */
  rejected: number;
  /** The first {@link MAX_LISTED_IMPORT_ERRORS} rejected lines. */
  errors: { line: number; status: number; detail: string }[];
  /** Present when more lines were rejected than listed: true, and how many are not listed. */
  errorsTruncated?: true;
  omittedErrors?: number;
}

/** Rejected lines listed in an import's answer; the rest are only counted (a 100k-line bad file stays a small answer). */
export const MAX_LISTED_IMPORT_ERRORS = 1_000;
/** A listed error's detail is cut at this many characters. */
const MAX_ERROR_DETAIL = 500;

/** Lines decided together and committed in one transaction (when the store can). */
export const IMPORT_BATCH_LINES = 250;

type Base = Omit<CommandContext, 'causationId' | 'now' | 'occurredAt' | 'expectedVersion'>;
type Outcome = { ok: true } | { ok: false; line: number; status: number; detail: string };

/**
 * Applies NDJSON lines in order; a bad line is reported with its number and changes nothing.
 *
 * Lines are decided in batches of {@link IMPORT_BATCH_LINES} against a unit of work (the store
 * plus the batch's own earlier lines) and each batch is written in one transaction: a rejected
 * line is rolled back alone, the accepted ones commit together. If another writer touched one of
 * the batch's dossiers (or a code counter) in the meantime, nothing of the batch was written and
 * it is applied again line by line. Stores without multi-stream appends (EventStoreDB) go line by
 * line. An infrastructure failure stops the import: the batches before it are applied.
 */
export async function runImport(
  dossiers: DossierService,
  text: string,
  base: Base,
  firstLine = 1,
  onBatch?: (mode: 'batch' | 'line-by-line') => void,
): Promise<ImportResult> {
  const result: ImportResult = { accepted: 0, rejected: 0, errors: [] };
  const lines = text.split(/\r?\n/);
  const numbered: { lineNo: number; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].trim() !== '') numbered.push({ lineNo: firstLine + i, text: lines[i] });
  for (let i = 0; i < numbered.length; i += IMPORT_BATCH_LINES) {
    const batch = numbered.slice(i, i + IMPORT_BATCH_LINES);
    let outcomes = await applyBatch(dossiers, batch, base);
    onBatch?.(outcomes ? 'batch' : 'line-by-line');
    outcomes ??= await applyOneByOne(dossiers, batch, base);
    for (const o of outcomes) {
      if (o.ok) result.accepted++;
      else {
        result.rejected++;
        if (result.errors.length < MAX_LISTED_IMPORT_ERRORS) {
          result.errors.push({
            line: o.line,
            status: o.status,
            detail: o.detail.length > MAX_ERROR_DETAIL ? `${o.detail.slice(0, MAX_ERROR_DETAIL - 1)}…` : o.detail,
          });
        }
      }
    }
  }
  if (result.rejected > result.errors.length) {
    result.errorsTruncated = true;
    result.omittedErrors = result.rejected - result.errors.length;
  }
  return result;
}

function parseLine(text: string, lineNo: number): { parsed: ParsedLine } | { error: Outcome } {
  try {
    return { parsed: parseImportLine(text) };
  } catch (err) {
    return { error: { ok: false, line: lineNo, ...lineProblem(err) } };
  }
}

async function applyLine(dossiers: DossierService, parsed: ParsedLine, base: Base): Promise<void> {
  const ctx: CommandContext = {
    ...base,
    causationId: randomUUID(),
    now: new Date(),
    occurredAt: parsed.base.occurredAt ? new Date(parsed.base.occurredAt) : undefined,
    expectedVersion: parsed.base.expectedVersion,
  };
  if (parsed.kind === 'receive') await dossiers.receive(parsed.input, ctx);
  else await dossiers.execute(parsed.dossierId, parsed.action, ctx);
}

/** One transaction per batch; undefined if the store cannot or a concurrent writer got in the way. */
async function applyBatch(dossiers: DossierService, batch: { lineNo: number; text: string }[], base: Base): Promise<Outcome[] | undefined> {
  const work = dossiers.unitOfWork();
  if (!work) return undefined;
  const parsedLines = batch.map((l) => ({ lineNo: l.lineNo, ...parseLine(l.text, l.lineNo) }));
  // one read for the batch: the dossiers' streams and the code counters its receptions will number from
  const parsed = parsedLines.flatMap((l) => ('parsed' in l ? [l.parsed] : []));
  const now = new Date();
  const counters = dossiers.codeCounterStreams(
    parsed.flatMap((p) => (p.kind === 'receive' ? [{ unitCode: p.input.unitCode, at: p.base.occurredAt ? new Date(p.base.occurredAt) : now }] : [])),
  );
  await work.uow.prefetch([...parsed.map((p) => dossierStreamName(p.dossierId)), ...counters]);
  const outcomes: Outcome[] = [];
  for (const l of parsedLines) {
    if ('error' in l) {
      outcomes.push(l.error);
      continue;
    }
    const savepoint = work.uow.savepoint();
    try {
      await applyLine(work.dossiers, l.parsed, base);
      outcomes.push({ ok: true });
    } catch (err) {
      work.uow.rollback(savepoint);
      outcomes.push({ ok: false, line: l.lineNo, ...lineProblem(err) });
    }
  }
  try {
    await work.uow.flush();
  } catch (err) {
    if (err instanceof WrongExpectedRevisionError) return undefined;
    throw err;
  }
  return outcomes;
}

async function applyOneByOne(dossiers: DossierService, batch: { lineNo: number; text: string }[], base: Base): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const l of batch) {
    const p = parseLine(l.text, l.lineNo);
    if ('error' in p) {
      outcomes.push(p.error);
      continue;
    }
    try {
      await applyLine(dossiers, p.parsed, base);
      outcomes.push({ ok: true });
    } catch (err) {
      outcomes.push({ ok: false, line: l.lineNo, ...lineProblem(err) });
    }
  }
  return outcomes;
}

function lineProblem(err: unknown): { status: number; detail: string } {
  if (err instanceof LineError) return { status: err.status, detail: err.message };
  if (err instanceof DomainError) return { status: err.code === 'dossier-not-found' ? 404 : 422, detail: err.message };
  if (err instanceof ApplicationError) return { status: err.status, detail: err.message };
  throw err; // an infrastructure failure stops the import (the lines before it are applied)
}

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly dossiers: DossierService,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiConsumes('application/x-ndjson')
  @ApiBody({
    description: 'One command per line: {"command": "receive"|"assign"|..., "dossierId": "<uuid>", ...same body as the route}',
    schema: { type: 'string' },
  })
  @ApiOperation({ summary: 'Bulk import (NDJSON): lines apply in order; a bad line is rejected with its number and changes nothing else' })
  async import(
    @Body() body: unknown,
    @Headers('content-type') type: string | undefined,
    @Headers('x-first-line') first: string | undefined,
    @Req() req: FastifyRequest,
    @CurrentUser() u: Principal,
  ): Promise<ImportResult> {
    if (!type || !/^application\/(x-)?ndjson\b/i.test(type)) throw new UnsupportedMediaTypeProblem('POST /imports takes Content-Type: application/x-ndjson');
    if (typeof body !== 'string') throw new BadRequestProblem('the body must be NDJSON text');
    const firstLine = first && /^\d{1,9}$/.test(first) ? Number(first) : 1;
    return runImport(this.dossiers, body, { actor: actorOf(u), correlationId: String(req.id) }, firstLine, (mode) => this.metrics?.importBatches.inc({ mode }));
  }
}
