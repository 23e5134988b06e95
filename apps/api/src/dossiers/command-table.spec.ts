import 'reflect-metadata';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ROLES_KEY } from '@motcua/platform';
import { parseImportLine } from '../imports/import-line';
import { DOSSIER_COMMAND_NAMES, DOSSIER_COMMANDS, stepAction, StepName } from './command-table';
import { DossiersController } from './dossiers.controller';
import { RefusalsController } from './refusals.controller';

/** The controller's explicit routes are the table's: no route may drift from its entry. */
describe('the dossier command table', () => {
  const proto = DossiersController.prototype as unknown as Record<string, object>;
  const routes = Object.getOwnPropertyNames(proto)
    .filter((m) => m !== 'constructor' && Reflect.getMetadata(METHOD_METADATA, proto[m]) === RequestMethod.POST)
    .map((m) => ({ method: m, path: Reflect.getMetadata(PATH_METADATA, proto[m]) as string, handler: proto[m] }));

  it('has one POST route per entry, with its path, roles and body DTO', () => {
    const onDossiers = DOSSIER_COMMAND_NAMES.filter((n) => n !== 'refuse');
    const pathOf = (n: (typeof DOSSIER_COMMAND_NAMES)[number]) => (n === 'receive' ? '/' : ((DOSSIER_COMMANDS[n] as { path?: string }).path ?? `:id/${n}`));
    expect(routes.map((r) => r.path).sort()).toEqual(onDossiers.map(pathOf).sort());
    for (const name of onDossiers) {
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
      'request-supplement': { reason: 'Thiếu bản sao', items: [{ name: 'Bản sao giấy khai sinh', note: 'có chứng thực' }, { name: 'Ảnh 4x6' }] },
      'receive-supplement': {},
      apologise: { reason: 'Cần xác minh', newDueAt: '2025-05-06T17:00:00+07:00', letterNumber: '15/PXL' },
      resolve: { outcome: 'approved', note: 'ok' },
      withdraw: { reason: 'Rút hồ sơ' },
      rate: { rating: 'satisfied' },
      pause: { kind: 'fee', reason: 'Chờ nộp phí' },
      resume: {},
      'return-result': { method: 'counter', recipient: { name: 'Trần Thị Bình', idNumber: '079203009999', relation: 'được ủy quyền' }, note: 'Trả sớm' },
      correct: { undo: 'return-result', reason: 'Ghi nhầm người nhận' },
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
    const refuse = { ...receive, reason: 'Không thuộc thẩm quyền', legalBasis: 'Khoản 2 Điều 18 NĐ 61/2018' };
    expect(parseImportLine(JSON.stringify({ command: 'refuse', dossierId: id, ...refuse }))).toMatchObject({
      kind: 'receive',
      input: { ...DOSSIER_COMMANDS.refuse.toAction(refuse as never), id, refusal: { reason: refuse.reason, legalBasis: refuse.legalBasis } },
    });
  });

  it('routes `refuse` as POST /refusals (201) with its roles and body DTO', () => {
    const handler = (RefusalsController.prototype as unknown as Record<string, object>).refuse;
    expect(Reflect.getMetadata(METHOD_METADATA, handler)).toBe(RequestMethod.POST);
    expect(Reflect.getMetadata(PATH_METADATA, RefusalsController)).toBe('refusals');
    expect(Reflect.getMetadata(ROLES_KEY, handler)).toEqual(DOSSIER_COMMANDS.refuse.roles);
    expect(Reflect.getMetadata('design:paramtypes', RefusalsController.prototype, 'refuse')).toContain(DOSSIER_COMMANDS.refuse.dto);
  });

  it('refuses bad supplement items on an import line as on the route (400)', () => {
    const id = '0b6c3f1e-8d0a-4f55-9f1e-2f6a4a1b7c01';
    for (const items of [[], [{ name: '' }], [{ note: 'x' }], Array.from({ length: 51 }, () => ({ name: 'a' })), [{ name: 'a'.repeat(501) }], 'x']) {
      expect(() => parseImportLine(JSON.stringify({ command: 'request-supplement', dossierId: id, reason: 'r', items }))).toThrow(
        expect.objectContaining({ status: 400 }),
      );
    }
    expect(() =>
      parseImportLine(JSON.stringify({ command: 'refuse', dossierId: id, unitCode: 'U1', procedureCode: 'P1', channel: 'direct', applicant: { name: 'A' } })),
    ).toThrow(expect.objectContaining({ status: 400 }));
  });
});
