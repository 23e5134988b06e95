import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestProblem, CurrentUser, Principal, Roles, UnprocessableProblem } from '@motcua/platform';
import { outOfRangeMessage } from '@motcua/domain';
import { commandContext } from '../common/command-context';
import { isDateInRange, validCalendarDate } from '../common/validators';
import { AnchorDayCommand, CheckAnchorQuery, ExportUnitQuery, VerifyChainQuery } from './use-cases';

/** 422 for a well-formed date the working calendar does not cover (the same range as every date field). */
function requireDateInRange(field: string, value: string): void {
  if (!isDateInRange(value))
    throw new UnprocessableProblem(`${outOfRangeMessage(field, value)}.`, { errors: [{ field, message: outOfRangeMessage(field, value) }] });
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('anchors/:day')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Check a day’s anchor: the Merkle root of every event recorded that (UTC) day, recomputed and compared' })
  checkAnchor(@Param('day') day: string) {
    if (!validCalendarDate(day)) throw new BadRequestProblem('day must be a date YYYY-MM-DD');
    requireDateInRange('day', day);
    return this.queries.execute(new CheckAnchorQuery(day));
  }

  @Post('anchors/:day')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Anchor a finished day (the worker does it daily); idempotent' })
  anchor(@Param('day') day: string) {
    if (!validCalendarDate(day)) throw new BadRequestProblem('day must be a date YYYY-MM-DD');
    requireDateInRange('day', day);
    return this.commands.execute(new AnchorDayCommand(day, new Date()));
  }

  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiQuery({
    name: 'stream',
    required: false,
    description: 'e.g. dossier-<id>; without it, the whole log (callers covering every root unit) or the streams of the caller’s units',
  })
  @ApiOperation({ summary: 'Walk the hash chain of a stream (or of every stream in the caller’s scope) and name the first broken link' })
  verify(@Req() req: FastifyRequest, @CurrentUser() u: Principal, @Query('stream') stream?: string) {
    if (stream !== undefined && !/^[\w.|:-]{1,200}$/.test(stream)) throw new BadRequestProblem('stream must be a stream name such as dossier-<uuid>');
    return this.queries.execute(new VerifyChainQuery(stream, commandContext(req, u)));
  }

  @Get('export')
  @Roles('auditor', 'admin')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({ summary: 'NDJSON export of a unit subtree’s dossier streams with their hashes, re-verifiable offline (`npm run cli -- verify --file`)' })
  async export(
    @Query('unitCode') unitCode: string,
    @Query('from') from: string,
    @Query('to') to: string,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
    @CurrentUser() u: Principal,
  ) {
    if (!unitCode) throw new BadRequestProblem('unitCode is required');
    if (!validCalendarDate(from ?? '') || !validCalendarDate(to ?? '')) throw new BadRequestProblem('from and to must be dates YYYY-MM-DD');
    requireDateInRange('from', from);
    requireDateInRange('to', to);
    if (from > to) throw new BadRequestProblem('from must not be after to');
    const lines: string[] = await this.queries.execute(new ExportUnitQuery(unitCode, from, to, commandContext(req, u)));
    res
      .header('Content-Type', 'application/x-ndjson; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="motcua-export-${unitCode.replace(/[^\w.-]/g, '_')}-${from}-${to}.ndjson"`)
      .send(lines.join(''));
  }
}
