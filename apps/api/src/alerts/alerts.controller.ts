import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebhookJob, webhookJobOptions, webhookQueueName } from '@motcua/background';
import { coversUnit, ReferenceService } from '@motcua/application';
import {
  AppConfig,
  APP_CONFIG,
  AuthenticationError,
  CurrentUser,
  DependencyUnavailableError,
  extractBearerToken,
  ForbiddenProblem,
  JwtVerifier,
  NotFoundProblem,
  Principal,
  Public,
  Queues,
  Role,
  Roles,
  UnauthorizedProblem,
} from '@motcua/platform';
import { AlertPage, AlertView } from '@motcua/projections';
import { AlertsHub, SseClient } from './alerts-hub';
import { requestCause } from '../common/command-context';
import { pageSize } from '../common/list-query.dto';
import { requireUnitAccess } from '../common/unit-scope';
import { AcknowledgeAlertCommand, DeleteUnitWebhookCommand, PutUnitWebhookCommand, WebhookView } from './commands';
import { AlertListQueryDto, AlertStreamQueryDto, PutWebhookDto } from './dto';
import { GetUnitWebhookQuery, ListAlertsQuery, MissedAlertsQuery } from './queries';

const READERS: Role[] = ['supervisor', 'officer', 'admin', 'clerk', 'auditor'];
const ACKNOWLEDGERS: Role[] = ['supervisor', 'officer', 'admin'];

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(
    @Inject(ReferenceService) private readonly reference: ReferenceService,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(JwtVerifier) private readonly verifier: JwtVerifier,
    @Inject(AlertsHub) private readonly hub: AlertsHub,
  ) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Deadline alerts of the caller’s units (or of `unitCode`’s subtree), newest first, paged with a cursor' })
  list(@Query() q: AlertListQueryDto, @CurrentUser() user: Principal): Promise<AlertPage> {
    return this.queries.execute(
      new ListAlertsQuery({ unitCode: q.unitCode, state: q.state, kind: q.kind, dossierId: q.dossierId, cursor: q.cursor, limit: pageSize(q) }, user),
    );
  }

  /**
   * Server-Sent Events of new alerts for the caller's units. Browsers' EventSource cannot send an
   * Authorization header: this route (only) also takes the token as `?access_token=`.
   */
  @Get('stream')
  @Public() // authenticated below: header or ?access_token=
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      'Server-Sent Events of new alerts for the caller’s units: `id:` the alert id, `event: alert`, `data:` the alert as JSON; a comment every 15 s. ' +
      'Token in the Authorization header or, for EventSource, as ?access_token=. Last-Event-ID replays what was missed.',
  })
  async stream(@Query() q: AlertStreamQueryDto, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const user = await this.authenticate(req.headers.authorization, q.access_token);
    if (!READERS.some((r) => user.roles.includes(r))) throw new ForbiddenProblem(`This action needs one of the roles ${READERS.join(', ')}`);
    // live alerts come through Redis: without it the stream would stay silent, so say so (503, Retry-After)
    const down = this.hub.down();
    if (down) throw new DependencyUnavailableError('redis', `live alerts need Redis: ${down}`);
    if (q.unitCode !== undefined) requireUnitAccess(this.reference.data, user, q.unitCode);
    const units = q.unitCode !== undefined ? [q.unitCode] : user.units;
    const header = req.headers['last-event-id'];
    const lastEventId = q.lastEventId ?? (typeof header === 'string' && header !== '' ? header : undefined);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-correlation-id': String(req.id),
    });
    res.write(`retry: 3000\n: connected ${new Date().toISOString()}\n\n`);
    const client: SseClient = { units, res, sent: new Set(), pending: lastEventId ? [] : undefined };
    const remove = this.hub.add(client);
    req.raw.on('close', remove);
    res.on('close', remove);
    if (lastEventId) {
      try {
        const missed: AlertView[] = await this.queries.execute(new MissedAlertsQuery(lastEventId, q.unitCode, user));
        const pending = client.pending ?? [];
        client.pending = undefined;
        for (const a of missed) this.hub.send(client, a);
        client.pending = pending;
      } catch {
        /* replay is best effort: live alerts still flow */
      }
      this.hub.flushPending(client);
    }
  }

  private async authenticate(header: string | string[] | undefined, queryToken: string | undefined): Promise<Principal> {
    if (!this.verifier.configured) throw new UnauthorizedProblem('authentication is not configured');
    try {
      const token = extractBearerToken(header) ?? queryToken;
      if (!token) throw new UnauthorizedProblem('missing token: send Authorization: Bearer <JWT>, or ?access_token=<JWT> on this route');
      return await this.verifier.verify(token);
    } catch (err) {
      if (err instanceof AuthenticationError) throw new UnauthorizedProblem(`invalid token: ${err.reason}`, { invalidToken: true });
      throw err;
    }
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles(...ACKNOWLEDGERS)
  @ApiOperation({ summary: 'Acknowledge an alert (records AlertAcknowledged once; repeating answers the same state)' })
  acknowledge(@Param('id') id: string, @Req() req: FastifyRequest, @CurrentUser() user: Principal): Promise<AlertView> {
    return this.commands.execute(new AcknowledgeAlertCommand(id, requestCause(req, user)));
  }
}

/** Per-unit webhook of alerts (admin): the URL and the signing secret (never returned). */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('units')
export class UnitWebhooksController {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(QueryBus) private readonly queries: QueryBus,
  ) {}

  @Put(':code/webhook')
  @Roles('admin')
  @ApiOperation({
    summary: 'Set the unit’s alert webhook: each new alert of the unit is POSTed as JSON, signed X-Motcua-Signature: sha256=<hex HMAC-SHA256 of the body>',
  })
  put(@Param('code') code: string, @Body() body: PutWebhookDto, @CurrentUser() user: Principal): Promise<WebhookView> {
    return this.commands.execute(new PutUnitWebhookCommand(code, body.url, body.secret, user));
  }

  @Get(':code/webhook')
  @Roles('admin')
  @ApiOperation({ summary: 'The unit’s alert webhook (without its secret)' })
  get(@Param('code') code: string, @CurrentUser() user: Principal): Promise<WebhookView> {
    return this.queries.execute(new GetUnitWebhookQuery(code, user));
  }

  @Delete(':code/webhook')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Remove the unit’s alert webhook' })
  remove(@Param('code') code: string, @CurrentUser() user: Principal): Promise<void> {
    return this.commands.execute(new DeleteUnitWebhookCommand(code, user));
  }
}

/** Webhook deliveries that failed every attempt (BullMQ failed jobs, kept 30 days). */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('admin/webhooks')
export class WebhookDeadLetterController {
  constructor(
    @Inject(ReferenceService) private readonly reference: ReferenceService,
    @Inject(Queues) private readonly queues: Queues,
    @Inject(AlertsHub) private readonly hub: AlertsHub,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async queue() {
    return this.queues.queue<WebhookJob>(webhookQueueName(await this.hub.namespace()), webhookJobOptions(this.config));
  }

  /** `fn` on the dead-letter queue: 503 at once while Redis is away, never waiting for it to come back. */
  private async onQueue<R>(fn: (q: Awaited<ReturnType<WebhookDeadLetterController['queue']>>) => Promise<R>): Promise<R> {
    const q = await this.queue();
    return this.queues.forRequest(q.name, () => fn(q));
  }

  @Get('dead-letter')
  @Roles('admin')
  @ApiOperation({ summary: 'Alert webhook deliveries that failed every attempt, newest first (the admin’s units)' })
  async deadLetter(@CurrentUser() user: Principal) {
    const jobs = await this.onQueue((q) => q.getFailed(0, 999));
    const items = jobs
      .filter((j) => j && coversUnit(this.reference.data, user, j.data.unitCode))
      .map((j) => ({
        id: String(j.id),
        unitCode: j.data.unitCode,
        alertId: j.data.alert.id,
        alert: j.data.alert,
        attempts: j.attemptsMade,
        failedReason: j.failedReason,
        queuedAt: new Date(j.timestamp).toISOString(),
        failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : undefined,
      }))
      .sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? ''));
    return { items };
  }

  @Post('dead-letter/:id/retry')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({ summary: 'Deliver a dead-lettered webhook again (a new round of attempts)' })
  async retry(@Param('id') id: string, @CurrentUser() user: Principal) {
    const job = await this.onQueue((q) => q.getJob(id));
    if (!job || !(await this.onQueue(() => job.isFailed())) || !coversUnit(this.reference.data, user, job.data.unitCode))
      throw new NotFoundProblem(`no failed delivery ${id}`);
    await this.onQueue(() => job.retry('failed'));
    return { id, state: 'queued' };
  }
}
