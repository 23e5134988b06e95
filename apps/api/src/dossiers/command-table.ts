import { applyDecorators, Body, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ActionOf, DossierActionName, ReceiveInput } from '@motcua/application';
import { CurrentUser, Role, Roles } from '@motcua/platform';
import { randomUUID } from 'node:crypto';
import {
  ApologiseDto,
  AssignDto,
  CommandBaseDto,
  CorrectDto,
  EmptyCommandDto,
  PauseDto,
  RateDto,
  ReasonDto,
  ReceiveDossierDto,
  RefuseAtReceptionDto,
  RequestSupplementDto,
  ResolveDto,
  ReturnResultDto,
  TransferDto,
  TransferReturnDto,
} from './dto';

/**
 * One dossier command as the API offers it: the body's DTO (validated on the route and on each
 * import line), who may send it, its OpenAPI summary, and the DTO → application action mapping.
 */
export interface DossierCommandEntry<D extends CommandBaseDto, A> {
  dto: new () => D;
  roles: Role[];
  summary: string;
  toAction(body: D): A;
  /**
   * A route that is not `POST /dossiers/:id/<name>` (answering 201): the controller declares it
   * with `@DossierCommandRoute(name)` and maps its path parameters; the import takes the entry as is.
   */
  path?: string;
}

function entry<D extends CommandBaseDto, A>(e: DossierCommandEntry<D, A>): DossierCommandEntry<D, A> {
  return e;
}

/**
 * The dossier commands, one name per step from route to event:
 *
 * | route (`POST /dossiers…`)  | entry / action       | domain command      | event                 |
 * |----------------------------|----------------------|---------------------|-----------------------|
 * | ``                         | `receive`            | `ReceiveDossier`    | `DossierReceived`     |
 * | `:id/assign`               | `assign`             | `AssignDossier`     | `DossierAssigned`     |
 * | `:id/request-supplement`   | `request-supplement` | `RequestSupplement` | `SupplementRequested` |
 * | `:id/receive-supplement`   | `receive-supplement` | `ReceiveSupplement` | `SupplementReceived`  |
 * | `:id/apologise`            | `apologise`          | `IssueApology`      | `ApologyIssued`       |
 * | `:id/resolve`              | `resolve`            | `ResolveDossier`    | `DossierResolved`     |
 * | `:id/withdraw`             | `withdraw`           | `WithdrawDossier`   | `DossierWithdrawn`    |
 * | `:id/rate`                 | `rate`               | `RateSatisfaction`  | `SatisfactionRated`   |
 * | `:id/pause`                | `pause`              | `PauseProcessing`   | `ProcessingPaused`    |
 * | `:id/resume`               | `resume`             | `ResumeProcessing`  | `ProcessingResumed`   |
 * | `:id/return-result`        | `return-result`      | `ReturnResult`      | `ResultReturned`      |
 * | `:id/correct`              | `correct`            | `CorrectStep`       | `StepCorrected`       |
 * | `:id/transfers` (201)      | `transfer`           | `TransferDossier`   | `DossierTransferred`  |
 * | `:id/transfers/:transferId/return` | `transfer-return` | `ReturnTransfer` | `TransferReturned` |
 *
 * The controller's routes and the NDJSON import (`"command": "<entry>"`) both go through this
 * table; the application maps the action to its domain command (`DOSSIER_STEPS`).
 */
export const DOSSIER_COMMANDS = {
  receive: entry({
    dto: ReceiveDossierDto,
    roles: ['clerk', 'supervisor'],
    summary: 'Receive a dossier (tiếp nhận): computes the due time and the dossier code',
    toAction: (b): ReceiveInput => ({
      id: b.id,
      unitCode: b.unitCode,
      procedureCode: b.procedureCode,
      channel: b.channel,
      applicant: { ...b.applicant },
      ...(b.competentUnitCode !== undefined && { competentUnitCode: b.competentUnitCode }),
      ...(b.digitised !== undefined && { digitised: b.digitised }),
      ...(b.feeDue !== undefined && { feeDue: b.feeDue }),
      ...(b.feePaidOnline !== undefined && { feePaidOnline: b.feePaidOnline }),
    }),
  }),
  assign: entry({
    dto: AssignDto,
    roles: ['officer', 'supervisor'],
    summary: 'Assign (or reassign) the dossier; an officer may only take it for themself',
    toAction: (b) => ({ action: 'assign' as const, assignee: b.assignee, assigneeName: b.assigneeName, department: b.department }),
  }),
  'request-supplement': entry({
    dto: RequestSupplementDto,
    roles: ['officer', 'supervisor'],
    summary: 'Ask the citizen for a supplement (the clock stops), with the one complete list of what to add (items)',
    toAction: (b) => ({
      action: 'request-supplement' as const,
      reason: b.reason,
      ...(b.items !== undefined && { items: b.items.map((i) => (i.note === undefined ? { name: i.name } : { name: i.name, note: i.note })) }),
    }),
  }),
  'receive-supplement': entry({
    dto: EmptyCommandDto,
    roles: ['clerk', 'supervisor'],
    summary: 'The supplement arrived: the clock restarts from zero with a new due time',
    toAction: () => ({ action: 'receive-supplement' as const }),
  }),
  apologise: entry({
    dto: ApologiseDto,
    roles: ['supervisor'],
    summary: 'Apology and re-appointment (form 04); only once per dossier',
    toAction: (b) => ({ action: 'apologise' as const, reason: b.reason, newDueAt: new Date(b.newDueAt), letterNumber: b.letterNumber }),
  }),
  resolve: entry({
    dto: ResolveDto,
    roles: ['officer', 'supervisor'],
    summary: 'Resolve: approved or refused (both count as resolved)',
    toAction: (b) => ({
      action: 'resolve' as const,
      outcome: b.outcome,
      note: b.note,
      ...(b.electronicResult !== undefined && { electronicResult: b.electronicResult }),
    }),
  }),
  withdraw: entry({
    dto: ReasonDto,
    roles: ['clerk', 'supervisor'],
    summary: 'The citizen withdraws the dossier',
    toAction: (b) => ({ action: 'withdraw' as const, reason: b.reason }),
  }),
  rate: entry({
    dto: RateDto,
    roles: ['clerk', 'supervisor'],
    summary: 'Record the citizen’s satisfaction rating (once)',
    toAction: (b) => ({ action: 'rate' as const, rating: b.rating }),
  }),
  pause: entry({
    dto: PauseDto,
    roles: ['officer', 'supervisor'],
    summary: 'Pause processing while a fee, a verification or another body’s answer is awaited (the clock stops)',
    toAction: (b) => ({ action: 'pause' as const, kind: b.kind, reason: b.reason }),
  }),
  resume: entry({
    dto: EmptyCommandDto,
    roles: ['officer', 'supervisor'],
    summary: 'Resume processing: the due time moves later by the working time spent paused',
    toAction: () => ({ action: 'resume' as const }),
  }),
  'return-result': entry({
    dto: ReturnResultDto,
    roles: ['clerk', 'supervisor'],
    summary: 'Hand the result over (counter, post, online) and record who took it; only after resolve',
    toAction: (b) => ({
      action: 'return-result' as const,
      method: b.method,
      recipient: b.recipient && { name: b.recipient.name, idNumber: b.recipient.idNumber, relation: b.recipient.relation },
      note: b.note,
    }),
  }),
  correct: entry({
    dto: CorrectDto,
    roles: ['supervisor'],
    summary: 'Correct a step recorded by mistake: undo the last resolve, return of the result or assignment (supervisor only)',
    toAction: (b) => ({ action: 'correct' as const, undo: b.undo, reason: b.reason }),
  }),
  // not a dossier step: its route is `POST /refusals` (RefusalsController); the import's `refuse`
  refuse: entry({
    dto: RefuseAtReceptionDto,
    roles: ['clerk', 'supervisor'],
    summary: 'Refuse a dossier at the counter (form 03): recorded with a code from the reception numbering, never received',
    toAction: (b): ReceiveInput => ({
      id: b.id,
      unitCode: b.unitCode,
      procedureCode: b.procedureCode,
      channel: b.channel,
      applicant: { ...b.applicant },
      ...(b.competentUnitCode !== undefined && { competentUnitCode: b.competentUnitCode }),
      refusal: { reason: b.reason, ...(b.legalBasis !== undefined && { legalBasis: b.legalBasis }) },
    }),
  }),
  transfer: entry({
    dto: TransferDto,
    roles: ['officer', 'supervisor'],
    summary: 'Liên thông: hand the dossier to another agency for a task, with its own due time (several may be open at once)',
    path: ':id/transfers',
    toAction: (b) => ({
      action: 'transfer' as const,
      transferId: b.transferId ?? randomUUID(),
      toUnitCode: b.toUnitCode,
      task: b.task,
      ...(b.processingTime && { processingTime: { amount: b.processingTime.amount, unit: b.processingTime.unit } }),
      ...(b.dueAt !== undefined && { dueAt: new Date(b.dueAt) }),
    }),
  }),
  'transfer-return': entry({
    dto: TransferReturnDto,
    roles: ['officer', 'supervisor'],
    summary: 'The agency returns its transfer (done or refused), judged early / on time / late against that transfer’s due time',
    path: ':id/transfers/:transferId/return',
    toAction: (b) => ({ action: 'transfer-return' as const, transferId: b.transferId ?? '', outcome: b.outcome, note: b.note }),
  }),
};

/** What an entry's mapping must give: the reception's input, or the action of the entry's own name. */
type ActionNamed<K> = K extends 'receive' | 'refuse' ? ReceiveInput : K extends DossierActionName ? ActionOf<K> : never;
type NamesMatch<T extends { [K in keyof T]: { toAction(body: never): ActionNamed<K> } }> = T;
/** Compile-time check: each entry's name is a route name and the name of the action it maps to (a mismatch does not compile). */
export type CheckedDossierCommands = NamesMatch<typeof DOSSIER_COMMANDS>;

/** The table's names: `receive`, `refuse` and every step with a route (the names of their actions). */
export type DossierCommandName = keyof typeof DOSSIER_COMMANDS;
/** The steps after reception that have a route (an action's name is its route's). */
export type StepName = Exclude<DossierCommandName, 'receive' | 'refuse'> & DossierActionName;
/** The entries that start a dossier's stream (a reception or a refusal at the counter): `ReceiveInput`. */
export type ReceptionName = Extract<DossierCommandName, 'receive' | 'refuse'>;
export type DtoOf<N extends DossierCommandName> = InstanceType<(typeof DOSSIER_COMMANDS)[N]['dto']>;
export const DOSSIER_COMMAND_NAMES = Object.keys(DOSSIER_COMMANDS) as DossierCommandName[];

/** The table entry's action for a validated body. */
export function stepAction<N extends StepName>(name: N, body: DtoOf<N>): ActionOf<N> {
  return (DOSSIER_COMMANDS[name].toAction as (b: DtoOf<N>) => ActionOf<N>)(body);
}

/**
 * The route of a table entry: `POST /dossiers` for `receive` and `POST /refusals` for `refuse` (201,
 * each on its controller), `POST /dossiers/:id/<name>` (200) for a step; roles and summary from the table.
 */
export function DossierCommandRoute(name: DossierCommandName): MethodDecorator {
  const e: DossierCommandEntry<CommandBaseDto, unknown> = DOSSIER_COMMANDS[name];
  const route = name === 'receive' || name === 'refuse' ? [Post()] : e.path ? [Post(e.path)] : [Post(`:id/${name}`), HttpCode(200)];
  return applyDecorators(...route, Roles(...e.roles), ApiOperation({ summary: e.summary }));
}

/** `request-supplement` → `requestSupplement`: the controller method (and OpenAPI operation id) of a step. */
export function stepMethodName(name: StepName): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Gives a controller one route per step of the table (`POST /dossiers/:id/<name>`), each passing
 * `(name, id, body, request, user)` to the controller's `handle` method. The body's DTO is set as
 * the parameter's design type, so Nest validates it and OpenAPI documents it as if the method had
 * been written by hand: a new step needs its table entry, not a controller method.
 */
export function defineStepRoutes(controller: abstract new (...args: never[]) => object, handle: string): void {
  const proto = controller.prototype as Record<string, unknown>;
  const uuid = new ParseUUIDPipe({ version: undefined });
  for (const name of DOSSIER_COMMAND_NAMES) {
    if (name === 'receive' || name === 'refuse' || (DOSSIER_COMMANDS[name] as { path?: string }).path) continue;
    const key = stepMethodName(name);
    if (Object.prototype.hasOwnProperty.call(proto, key)) throw new Error(`${controller.name}.${key} is already defined: a step's route comes from the table`);
    const route = {
      [key](this: Record<string, (...args: unknown[]) => unknown>, id: string, body: unknown, req: unknown, user: unknown) {
        return this[handle](name, id, body, req, user);
      },
    }[key];
    Object.defineProperty(proto, key, { value: route, writable: true, configurable: true, enumerable: false });
    Reflect.defineMetadata('design:paramtypes', [String, DOSSIER_COMMANDS[name].dto, Object, Object], proto, key);
    Reflect.defineMetadata('design:returntype', Promise, proto, key);
    Param('id', uuid)(proto, key, 0);
    Body()(proto, key, 1);
    Req()(proto, key, 2);
    CurrentUser()(proto, key, 3);
    DossierCommandRoute(name)(proto, key, Object.getOwnPropertyDescriptor(proto, key)!);
  }
}
