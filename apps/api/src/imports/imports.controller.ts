import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { ApplicationError, CommandContext, DossierService } from '@motcua/application';
import { DomainError } from '@motcua/domain';
import { BadRequestProblem, CurrentUser, Principal, Roles, UnsupportedMediaTypeProblem } from '@motcua/platform';
import { actorOf } from '../common/command-context';
import { LineError, parseImportLine } from './import-line';

export interface ImportResult {
  accepted: number;
  rejected: number;
  errors: { line: number; status: number; detail: string }[];
}

/** Applies NDJSON lines in order; a bad line is reported with its number and changes nothing. */
export async function runImport(dossiers: DossierService, text: string, base: Omit<CommandContext, 'causationId' | 'now' | 'occurredAt' | 'expectedVersion'>, firstLine = 1): Promise<ImportResult> {
  const result: ImportResult = { accepted: 0, rejected: 0, errors: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const lineNo = firstLine + i;
    try {
      const parsed = parseImportLine(line);
      const ctx: CommandContext = {
        ...base,
        causationId: randomUUID(),
        now: new Date(),
        occurredAt: parsed.base.occurredAt ? new Date(parsed.base.occurredAt) : undefined,
        expectedVersion: parsed.base.expectedVersion,
      };
      if (parsed.kind === 'receive') await dossiers.receive(parsed.input, ctx);
      else await dossiers.execute(parsed.dossierId, parsed.action, ctx);
      result.accepted++;
    } catch (err) {
      result.rejected++;
      result.errors.push({ line: lineNo, ...lineProblem(err) });
    }
  }
  return result;
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
  constructor(private readonly dossiers: DossierService) {}

  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiConsumes('application/x-ndjson')
  @ApiBody({ description: 'One command per line: {"command": "receive"|"assign"|..., "dossierId": "<uuid>", ...same body as the route}', schema: { type: 'string' } })
  @ApiOperation({ summary: 'Bulk import (NDJSON): lines apply in order; a bad line is rejected with its number and changes nothing else' })
  async import(@Body() body: unknown, @Headers('content-type') type: string | undefined, @Headers('x-first-line') first: string | undefined, @Req() req: FastifyRequest, @CurrentUser() u: Principal): Promise<ImportResult> {
    if (!type || !/^application\/(x-)?ndjson\b/i.test(type)) throw new UnsupportedMediaTypeProblem('POST /imports takes Content-Type: application/x-ndjson');
    if (typeof body !== 'string') throw new BadRequestProblem('the body must be NDJSON text');
    const firstLine = first && /^\d{1,9}$/.test(first) ? Number(first) : 1;
    return runImport(this.dossiers, body, { actor: actorOf(u), correlationId: String(req.id) }, firstLine);
  }
}
