import { Body, Controller, Get, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CampaignInput, ReferenceService } from '@motcua/application';
import { CurrentUser, Principal, Roles } from '@motcua/platform';
import { commandContext } from '../common/command-context';
import { PutCampaignDto } from './campaign.dto';
import { PutCampaignCommand } from './commands';

/** Campaign windows (api-v1 "Campaign windows"): reference data, event-sourced in `campaign-<id>` streams. */
@ApiTags('reference data')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reference: ReferenceService,
  ) {}

  @Put(':id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Create or replace a campaign window: shorter processing times for some procedures in some units (and their descendants) over some local dates',
    description:
      'A dossier received within `from`–`to` (local dates of the receiving unit, inclusive) by one of the units or their descendants, for one of the procedures, gets the shorter time; its due time and the campaign id are frozen at reception (a later change moves no due time). 422 when the dates are out of order, a unit or procedure does not exist, a time is not shorter than the procedure’s (compared in working hours: a working day = two half-days = 8 hours), or another campaign already gives one of these units (or one above or below it) one of these procedures on an overlapping day (`conflictingCampaignId`). 403 unless the caller’s units cover every unit of the campaign.',
  })
  async put(
    @Param('id') id: string,
    @Body() b: PutCampaignDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) res: FastifyReply,
    @CurrentUser() u: Principal,
  ) {
    const r = await this.commands.execute(new PutCampaignCommand(id, b as CampaignInput, commandContext(req, u)));
    res.status(r.created ? 201 : 200);
    return r.campaign;
  }

  @Get()
  @ApiOperation({ summary: 'All campaign windows, by first day' })
  list() {
    return { items: this.reference.listCampaigns() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A campaign window, with every change made to it (`changes`: version, when, who, the definition)' })
  async get(@Param('id') id: string) {
    const campaign = this.reference.getCampaign(id);
    return { ...campaign, changes: await this.reference.campaignHistory(id) };
  }
}
