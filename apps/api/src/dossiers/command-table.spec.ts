import 'reflect-metadata';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ROLES_KEY } from '@motcua/platform';
import { parseImportLine } from '../imports/import-line';
import { DOSSIER_COMMAND_NAMES, DOSSIER_COMMANDS, stepAction, StepName } from './command-table';
import { DossiersController } from './dossiers.controller';

/** The controller's explicit routes are the table's: no route may drift from its entry. */
describe('the dossier command table', () => {
  const proto = DossiersController.prototype as unknown as Record<string, object>;
  const routes = Object.getOwnPropertyNames(proto)
    .filter((m) => m !== 'constructor' && Reflect.getMetadata(METHOD_METADATA, proto[m]) === RequestMethod.POST)
    .map((m) => ({ method: m, path: Reflect.getMetadata(PATH_METADATA, proto[m]) as string, handler: proto[m] }));

  it('has one POST route per entry, with its path, roles and body DTO', () => {
    const pathOf = (n: (typeof DOSSIER_COMMAND_NAMES)[number]) => (n === 'receive' ? '/' : ((DOSSIER_COMMANDS[n] as { path?: string }).path ?? `:id/${n}`));
    expect(routes.map((r) => r.path).sort()).toEqual(DOSSIER_COMMAND_NAMES.map(pathOf).sort());
    for (const name of DOSSIER_COMMAND_NAMES) {
      const route = routes.find((r) => r.path === pathOf(name))!;
      expect(Reflect.getMetadata(ROLES_KEY, route.handler)).toEqual(DOSSIER_COMMANDS[name].roles);
      const params = Reflect.getMetadata('design:paramtypes', DossiersController.prototype, route.method) as unknown[];
      expect(params).toContain(DOSSIER_COMMANDS[name].dto);
    }
  });

  it('maps an import line exactly as the route maps the same body', () => {
    const id = '0b6c3f1e-8d0a-4f55-9f1e-2f6a4a1b7c01';
    const bodies: Record<StepName, Record<string, unknown>> = {
      assign: { assignee: 'officer-1', assigneeName: 'Lê Văn C', department: 'Phòng Tư pháp' },
      'request-supplement': { reason: 'Thiếu bản sao' },
      'receive-supplement': {},
      apologise: { reason: 'Cần xác minh', newDueAt: '2025-05-06T17:00:00+07:00', letterNumber: '15/PXL' },
      resolve: { outcome: 'approved', note: 'ok' },
      withdraw: { reason: 'Rút hồ sơ' },
      rate: { rating: 'satisfied' },
      transfer: { transferId: '5d9c1a52-33c4-4a43-9d0e-7f0f4f3f1a10', toUnitCode: 'U2', task: 'Thẩm định', processingTime: { amount: 2, unit: 'working_day' } },
      'transfer-return': { transferId: '5d9c1a52-33c4-4a43-9d0e-7f0f4f3f1a10', outcome: 'done', note: 'xong' },
    };
    for (const [name, body] of Object.entries(bodies) as [StepName, Record<string, unknown>][]) {
      const parsed = parseImportLine(JSON.stringify({ command: name, dossierId: id, ...body }));
      expect(parsed).toMatchObject({ kind: 'action', dossierId: id, action: stepAction(name, body as never) });
      expect(parsed.kind === 'action' && parsed.action.action).toBe(name);
    }
    const receive = { unitCode: 'U1', procedureCode: 'P1', channel: 'direct', applicant: { name: 'Nguyễn Văn An' } };
    expect(parseImportLine(JSON.stringify({ command: 'receive', dossierId: id, ...receive }))).toMatchObject({
      kind: 'receive',
      input: { ...DOSSIER_COMMANDS.receive.toAction(receive as never), id },
    });
  });
});
