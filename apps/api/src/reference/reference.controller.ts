import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ProcedureInput, ReferenceService, SuccessionResult, UnitInput } from '@motcua/application';
import { CurrentUser, Principal, Roles } from '@motcua/platform';
import { commandContext } from '../common/command-context';
import { PutCalendarCommand, PutProcedureCommand, PutUnitCommand, UnitSuccessionCommand } from './commands';
import { PutCalendarDto, PutProcedureDto, PutUnitDto, SuccessionDto } from './dto';

function calendarAnswer(ref: ReferenceService, year: number) {
  const cal = ref.getCalendar(year);
  return {
    year: cal.year,
    holidays: cal.holidays,
    workingDays: cal.workingDays,
    source: cal.source,
    version: cal.version,
    unconfirmed: cal.unconfirmed ?? [],
    note: cal.note ?? (cal.source === 'official' ? 'Official data shipped with motcua' : cal.source === 'admin' ? 'Set by an administrator' : undefined),
  };
}

@ApiTags('reference data')
@ApiBearerAuth()
@Controller()
export class ReferenceController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reference: ReferenceService,
  ) {}

  @Put('units/:code')
  @Roles('admin')
  @ApiOperation({ summary: 'Create or update a unit (province / district / commune)' })
  async putUnit(
    @Param('code') code: string,
    @Body() b: PutUnitDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CurrentUser() u: Principal,
  ) {
    const r = await this.commands.execute(new PutUnitCommand(code, b as UnitInput, commandContext(req, u)));
    res.status(r.created ? 201 : 200);
    return r.unit;
  }

  @Post('units/:code/succession')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Reorganisation: close the unit (validTo = the day before effectiveDate) and pass each of its open dossiers to the successor (one event each; idempotent, resumable)',
  })
  succession(@Param('code') code: string, @Body() b: SuccessionDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal): Promise<SuccessionResult> {
    return this.commands.execute(new UnitSuccessionCommand(code, b.successorCode, b.effectiveDate, commandContext(req, u)));
  }

  @Get('units')
  @ApiOperation({ summary: 'All units (the tree, by parentCode)' })
  listUnits() {
    return { items: this.reference.listUnits() };
  }

  @Get('units/:code')
  getUnit(@Param('code') code: string) {
    return this.reference.getUnit(code);
  }

  @Put('procedures/:code')
  @Roles('admin')
  @ApiOperation({ summary: 'Create or update a procedure (thủ tục hành chính)' })
  async putProcedure(
    @Param('code') code: string,
    @Body() b: PutProcedureDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CurrentUser() u: Principal,
  ) {
    const r = await this.commands.execute(new PutProcedureCommand(code, b as ProcedureInput, commandContext(req, u)));
    res.status(r.created ? 201 : 200);
    return r.procedure;
  }

  @Get('procedures')
  listProcedures() {
    return { items: this.reference.listProcedures() };
  }

  @Get('procedures/:code')
  getProcedure(@Param('code') code: string) {
    return this.reference.getProcedure(code);
  }

  @Put('calendar/:year')
  @Roles('admin')
  @ApiOperation({ summary: 'Set the working calendar of a year: holidays and make-up working days' })
  async putCalendar(@Param('year', ParseIntPipe) year: number, @Body() b: PutCalendarDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    await this.commands.execute(new PutCalendarCommand(year, b, commandContext(req, u)));
    return calendarAnswer(this.reference, year);
  }

  @Get('calendar/:year')
  @ApiOperation({ summary: 'The working calendar of a year; years without data fall back to the Labour Code (says so in `source` and `note`)' })
  getCalendar(@Param('year', ParseIntPipe) year: number) {
    return calendarAnswer(this.reference, year);
  }
}
