import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, Principal, Roles } from '@motcua/platform';
import { commandContext } from '../common/command-context';
import { OptOutDto, PutNotificationSettingsDto } from './dto';
import {
  DossierNotificationsQuery,
  FailedNotificationsQuery,
  GetNotificationSettingsQuery,
  OptOutCommand,
  PutNotificationSettingsCommand,
  ResendNotificationCommand,
} from './handlers';

const uuid = new ParseUUIDPipe({ version: undefined });

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('dossiers')
export class DossierNotificationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get(':id/notifications')
  @Roles('clerk', 'officer', 'supervisor', 'auditor', 'admin')
  @ApiOperation({ summary: 'The notices sent (or being sent) to the applicant about this dossier, addresses masked' })
  list(@Param('id', uuid) id: string, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    return this.queries.execute(new DossierNotificationsQuery(id, commandContext(req, u)));
  }

  @Post(':id/notifications/opt-out')
  @HttpCode(200)
  @Roles('clerk', 'officer', 'supervisor', 'admin')
  @ApiOperation({ summary: 'Record that the applicant no longer wants notices on these channels (default all); waiting notices are dropped' })
  optOut(@Param('id', uuid) id: string, @Body() body: OptOutDto, @Req() req: FastifyRequest, @CurrentUser() u: Principal) {
    return this.commands.execute(new OptOutCommand(id, body.channels, commandContext(req, u)));
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('units')
export class UnitNotificationSettingsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':code/notification-settings')
  @Roles('admin')
  @ApiOperation({ summary: 'The unit’s citizen notices: channels and template overrides (422 for a malformed template or an unconfigured channel)' })
  put(@Param('code') code: string, @Body() body: PutNotificationSettingsDto, @CurrentUser() u: Principal) {
    return this.commands.execute(new PutNotificationSettingsCommand(code, body.channels, body.templates, u));
  }

  @Get(':code/notification-settings')
  @Roles('admin')
  @ApiOperation({ summary: 'The unit’s citizen-notice settings (defaults when never set)' })
  get(@Param('code') code: string, @CurrentUser() u: Principal) {
    return this.queries.execute(new GetNotificationSettingsQuery(code, u));
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('admin/notifications')
export class NotificationDeadLetterController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('dead-letter')
  @Roles('admin')
  @ApiOperation({ summary: 'Notices (and staff alert deliveries) that failed every attempt, newest first (the admin’s units), addresses masked' })
  deadLetter(@CurrentUser() u: Principal) {
    return this.queries.execute(new FailedNotificationsQuery(u));
  }

  @Post('dead-letter/:id/resend')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Send a dead-lettered notice again (a new round of attempts)' })
  resend(@Param('id') id: string, @CurrentUser() u: Principal) {
    return this.commands.execute(new ResendNotificationCommand(id, u));
  }
}

export const NOTIFICATION_CONTROLLERS = [DossierNotificationsController, UnitNotificationSettingsController, NotificationDeadLetterController];
