// page.evaluate callbacks run in the browser; the test program has no DOM library
declare const location: { hash: string };
declare const document: any;

import { startSmtp, TestSmtp, waitFor } from '../e2e/notifications/support';
import { ConsoleWorld, openConsole, receive, shot, startConsoleWorld } from './support';

/**
 * The console's second-wave pages (issues #14, #15, #16, #19) in Debian's Chromium against the built
 * service on PGlite, with a real SMTP server listening on 127.0.0.1 so that the delivery log has
 * something to show. Screenshots at 1366×768 go to tmp/console-screenshots (not committed).
 */
describe('web console, second wave: refusals, text search, campaigns, delivery log, liên thông', () => {
  let w: ConsoleWorld;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    w = await startConsoleWorld({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, NOTIFY_FROM: 'motcua@example.vn' });
  }, 240_000);
  afterAll(async () => {
    await w?.close();
    await smtp?.close();
  });

  it('a clerk refuses a dossier at the counter (reason, legal basis) and gets form 03', async () => {
    const { context, page } = await openConsole(w, w.tokens.clerk);
    await page.locator('#procedure').focus();
    await page.keyboard.type('khai sinh');
    await page.locator('#procedure-options li').first().waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type('Bùi Thị Lan');
    await page.locator('.refusal summary').click();
    await page.locator('#f-refusalReason').fill('Thiếu tờ khai đăng ký khai sinh có chữ ký của người đi đăng ký');
    await page.locator('#f-legalBasis').fill('Điều 16 Luật Hộ tịch 2014');
    const popup = context.waitForEvent('page');
    const pdf = page.waitForResponse((r) => r.url().endsWith('/forms/refusal.pdf'));
    await page.getByRole('button', { name: 'Từ chối và in phiếu từ chối' }).click();
    const res = await pdf;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    await (await popup).waitForURL(/^blob:/);
    const done = await page.locator('#refuse-done').innerText();
    const code = /(C1-\d{6}-\d{4,})/.exec(done)![1];
    const found = await w.api(w.tokens.clerk, 'GET', `/dossiers?code=${code}`);
    expect(found.body.items).toHaveLength(1);
    const view = (await w.api(w.tokens.clerk, 'GET', `/dossiers/${found.body.items[0].id}`)).body;
    expect(view).toMatchObject({
      status: 'refused-at-reception',
      unitCode: 'C1',
      refusalReason: 'Thiếu tờ khai đăng ký khai sinh có chữ ký của người đi đăng ký',
      legalBasis: 'Điều 16 Luật Hộ tịch 2014',
    });
    await shot(page, '11-counter-refused');
    await context.close();
  }, 60_000);

  it('a clerk receives a dossier for another commune of the province as the competent unit (default: the receiving unit)', async () => {
    const { context, page } = await openConsole(w, w.tokens.clerk);
    await page.locator('#procedure').focus();
    await page.keyboard.type('khai sinh');
    await page.locator('#procedure-options li').first().waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type('Sùng Thị Mai');
    expect(await page.locator('#f-competent').inputValue()).toBe(''); // “Như nơi tiếp nhận”
    await page.locator('#f-competent').selectOption('C2');
    const popup = context.waitForEvent('page');
    await page.locator('#receive-submit').click();
    await (await popup).waitForURL(/^blob:/);
    const code = /(C1-\d{6}-\d{4,})/.exec(await page.locator('#receive-done').innerText())![1];
    const id = (await w.api(w.tokens.clerk, 'GET', `/dossiers?code=${code}`)).body.items[0].id;
    expect((await w.api(w.tokens.clerk, 'GET', `/dossiers/${id}`)).body).toMatchObject({ unitCode: 'C1', competentUnitCode: 'C2' });
    await page.locator('#receive-done a', { hasText: 'Mở hồ sơ' }).click();
    await expect(page.locator('#competent-unit').innerText()).resolves.toContain('Xã Lũng Cú');
    await context.close();
  }, 60_000);

  it('a clerk finds a dossier by the applicant’s name typed without accents', async () => {
    const d = await receive(w, w.tokens.clerk, { unitCode: 'C1', procedureCode: '1.001193', applicant: { name: 'Trần Thị Bích Ngọc', phone: '0977000111' } });
    const { context, page } = await openConsole(w, w.tokens.clerk);
    await page.locator('#find-top').fill('tran thi bich ngoc');
    await page.locator('#find-top').press('Enter');
    await page.waitForFunction(() => location.hash.startsWith('#/tim'));
    const row = page.locator('#dossier-table tbody tr', { hasText: d.code });
    await row.waitFor();
    await shot(page, '12-search-by-name');
    await row.locator('a').click();
    await page.locator('#dossier-code', { hasText: d.code }).waitFor();
    await expect(page.locator('#lookup-pin').innerText()).resolves.toBe(d.lookupPin);
    await expect(page.locator('#competent-unit').innerText()).resolves.toContain('Phường Đồng Xuân');
    await context.close();
  }, 60_000);

  it('an admin creates a campaign, and a second one overlapping it is refused, naming the first', async () => {
    const { context, page } = await openConsole(w, w.tokens.admin, '#/dot-cao-diem');
    expect(await page.locator('#nav a').allInnerTexts()).toContain('Đợt cao điểm');
    const year = new Date().getUTCFullYear() + 1;
    const fill = async (name: string, unit: string, from: string, to: string) => {
      await page.locator('#campaign-new').click();
      await page.locator('#cp-name').fill(name);
      await page.locator('#cp-from').fill(from);
      await page.locator('#cp-to').fill(to);
      await page.locator(`#cp-units input[value="${unit}"]`).check();
      await page.locator('#cp-proc-0').selectOption('1.001193');
      await page.locator('#cp-amount-0').fill('1');
      await page.locator('#campaign-save').click();
    };
    await fill('Tuần lễ tiếp nhận và giải quyết hồ sơ ngay trong ngày', 'C1', `14/06/${year}`, `18/06/${year}`);
    const row = page.locator('#campaigns-table tr[data-campaign="tuan-le-tiep-nhan-va-giai-quyet-ho-so-ngay-trong-ngay"]');
    await row.waitFor();
    expect(await row.innerText()).toContain(`14/06/${year}`);
    const api = await w.api(w.tokens.admin, 'GET', '/campaigns/tuan-le-tiep-nhan-va-giai-quyet-ho-so-ngay-trong-ngay');
    expect(api.body).toMatchObject({
      unitCodes: ['C1'],
      from: `${year}-06-14`,
      to: `${year}-06-18`,
      procedures: [{ procedureCode: '1.001193', processingTime: { amount: 1, unit: 'working_day' } }],
    });
    // the province (above C1) on overlapping days: the API's 422, shown in Vietnamese with the other campaign's name
    await fill('Tháng cao điểm tỉnh', 'P', `01/06/${year}`, `30/06/${year}`);
    const problem = page.locator('#campaign-form .problem');
    await problem.waitFor();
    const text = await problem.innerText();
    expect(text).toContain('Trùng với đợt “Tuần lễ tiếp nhận và giải quyết hồ sơ ngay trong ngày”');
    expect(text).toContain('Đăng ký khai sinh');
    expect((await w.api(w.tokens.admin, 'GET', '/campaigns')).body.items).toHaveLength(1);
    await shot(page, '13-campaign-overlap');
    // edit the first: a later end date, same id
    await row.getByRole('button', { name: 'Sửa' }).click();
    await page.locator('#cp-to').fill(`19/06/${year}`);
    await page.locator('#campaign-save').click();
    await page.locator('#campaigns-table tr', { hasText: `19/06/${year}` }).waitFor();
    expect((await w.api(w.tokens.admin, 'GET', '/campaigns/tuan-le-tiep-nhan-va-giai-quyet-ho-so-ngay-trong-ngay')).body.to).toBe(`${year}-06-19`);
    await context.close();
    // not for a clerk
    const clerk = await openConsole(w, w.tokens.clerk, '#/dot-cao-diem');
    await expect(clerk.page.locator('.problem').innerText()).resolves.toContain('Vai trò của bạn không được dùng trang này');
    await clerk.context.close();
  }, 90_000);

  it('the dossier page shows the delivery log of the notices (masked address) and records an opt-out', async () => {
    const d = await receive(w, w.tokens.clerk, {
      unitCode: 'C1',
      procedureCode: '1.001193',
      applicant: { name: 'Phạm Minh Châu', email: 'minhchau@example.vn' },
    });
    await waitFor('the reception notice sent', async () => {
      const r = await w.api(w.tokens.clerk, 'GET', `/dossiers/${d.id}/notifications`);
      return r.body.items?.some((n: { status: string }) => n.status === 'sent');
    });
    expect(smtp.mails.filter((m) => JSON.stringify(m.to).includes('minhchau@example.vn'))).toHaveLength(1);
    const log = (await w.api(w.tokens.clerk, 'GET', `/dossiers/${d.id}/notifications`)).body.items;
    const { context, page } = await openConsole(w, w.tokens.clerk, `#/ho-so/${d.id}`);
    const table = page.locator('#notifications-table');
    await table.waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(log.length);
    expect(rows[0]).toContain('Tiếp nhận hồ sơ');
    expect(rows[0]).toContain('Thư điện tử');
    expect(rows[0]).toContain(log[0].to);
    expect(rows[0]).not.toContain('minhchau@');
    expect(rows[0]).toContain('Đã gửi');
    await shot(page, '14-dossier-delivery-log');
    page.on('dialog', (dialog) => void dialog.accept());
    const optOut = page.waitForResponse((r) => r.url().endsWith('/notifications/opt-out'));
    await page.locator('#opt-out').click();
    expect((await optOut).status()).toBe(200);
    await page.locator('#notifications .success').waitFor();
    await context.close();
  }, 90_000);

  it('a dossier without an address shows the empty delivery log with a reason', async () => {
    const d = await receive(w, w.tokens.clerk, { unitCode: 'C1', procedureCode: '1.001193', applicant: { name: 'Hà Văn Tú' } });
    const { context, page } = await openConsole(w, w.tokens.clerk, `#/ho-so/${d.id}`);
    await expect(page.locator('#notifications-empty').innerText()).resolves.toContain('Chưa có thông báo nào');
    await context.close();
  }, 60_000);

  it('a supervisor transfers a dossier to another agency and records its return from the dossier page; a supplement request lists its items', async () => {
    const d = await receive(w, w.tokens.clerk, { unitCode: 'C1', procedureCode: '1.001193', applicant: { name: 'Lò Văn Pao' } });
    const { context, page } = await openConsole(w, w.tokens.supervisor, `#/ho-so/${d.id}`);
    await page.locator('#steps button[data-step="transfer"]').click();
    await page.locator('#step-transfer-toUnitCode').selectOption('C2');
    await page.locator('#step-transfer-task').fill('Xác minh nơi cư trú của người được khai sinh');
    await page.locator('#step-transfer-processingTime\\.amount').fill('2');
    const sent = page.waitForResponse((r) => r.url().endsWith(`/dossiers/${d.id}/transfers`) && r.request().method() === 'POST');
    await page.locator('#step-transfer button[type="submit"]').click();
    expect((await sent).status()).toBe(201);
    const row = page.locator('#transfers tbody tr');
    await row.waitFor();
    expect(await row.innerText()).toContain('Xã Lũng Cú');
    expect(await row.innerText()).toContain('Trong hạn');
    expect(await row.locator('.due-ok').count()).toBe(1);
    await shot(page, '15-dossier-transfer-open');
    await row.getByRole('button', { name: 'Nhận lại' }).click();
    await page.locator('#step-transfer-return-outcome').selectOption('done');
    await page.locator('#step-transfer-return-note').fill('Đã xác minh, đúng nơi cư trú');
    await page.locator('#step-transfer-return button[type="submit"]').click();
    await page.locator('#transfers tbody tr', { hasText: 'Đã thực hiện' }).waitFor();
    expect(await page.locator('#transfers tbody tr').innerText()).toContain('Trước hạn');
    const view = (await w.api(w.tokens.supervisor, 'GET', `/dossiers/${d.id}`)).body;
    expect(view.transfers).toHaveLength(1);
    expect(view.transfers[0]).toMatchObject({ toUnitCode: 'C2', outcome: 'done', timing: 'early', note: 'Đã xác minh, đúng nơi cư trú' });
    await shot(page, '16-dossier-transfer-returned');

    // request-supplement: one item per line → items[{name}], then form 02
    await page.locator('#steps button[data-step="request-supplement"]').click();
    await page.locator('#step-request-supplement-reason').fill('Thiếu giấy tờ chứng minh nơi cư trú');
    await page.locator('#step-request-supplement-items').fill('Bản sao sổ hộ khẩu\n\nGiấy xác nhận cư trú ');
    const form02 = page.waitForResponse((r) => r.url().endsWith('/forms/supplement-request.pdf'));
    await page.locator('#step-request-supplement button[type="submit"]').click();
    expect((await form02).status()).toBe(200);
    await waitFor('the supplement request applied', async () => {
      const v = (await w.api(w.tokens.supervisor, 'GET', `/dossiers/${d.id}`)).body;
      return v.supplementRequests?.length === 1 && v;
    }).then((v) => expect(v.supplementRequests[0].items).toEqual([{ name: 'Bản sao sổ hộ khẩu' }, { name: 'Giấy xác nhận cư trú' }]));
    await context.close();
  }, 90_000);

  it('a returned dossier shows its pauses, when it was resolved and who collected the result', async () => {
    const d = await receive(w, w.tokens.clerk, { unitCode: 'C1', procedureCode: '1.001193', applicant: { name: 'Vàng Seo Sử' } });
    const step = async (token: string, name: string, body: unknown) => {
      const r = await w.api(token, 'POST', `/dossiers/${d.id}/${name}`, body);
      if (r.status >= 300) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    await step(w.tokens.supervisor, 'pause', { kind: 'fee', reason: 'Chờ công dân nộp lệ phí' });
    await step(w.tokens.supervisor, 'resume', {});
    await step(w.tokens.supervisor, 'resolve', { outcome: 'approved' });
    await step(w.tokens.clerk, 'return-result', { method: 'counter', recipient: { name: 'Vàng Thị Mỷ', relation: 'được ủy quyền' } });
    const { context, page } = await openConsole(w, w.tokens.clerk, `#/ho-so/${d.id}`);
    await expect(page.locator('#pauses').innerText()).resolves.toContain('Nộp phí, lệ phí: Chờ công dân nộp lệ phí');
    await page.locator('#resolved-at').waitFor();
    const returned = await page.locator('#returned-at').innerText();
    expect(returned).toContain('Tại quầy');
    expect(returned).toContain('Vàng Thị Mỷ');
    expect(returned).toContain('được ủy quyền');
    await shot(page, '18-dossier-returned');
    await context.close();
  }, 60_000);

  it('the report page switches perspective (receiving / competent) and asks the API for it', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const q = `unitCode=P&from=${today.slice(0, 8)}01&to=${today}&groupBy=unit`;
    const { context, page } = await openConsole(w, w.tokens.supervisor, `#/bao-cao?${q}`);
    await page.locator('#report-table tfoot tr').waitFor();
    const asked = page.waitForResponse((r) => r.url().includes('/statistics?') && r.url().includes('perspective=receiving'));
    await page.locator('#rp-perspective').selectOption('receiving');
    expect((await asked).status()).toBe(200);
    await page.waitForFunction(() => location.hash.includes('perspective=receiving'));
    await page.locator('#report-title', { hasText: 'nơi tiếp nhận' }).waitFor();
    await page.locator('#report-table tfoot tr').waitFor();
    const api = (await w.api(w.tokens.supervisor, 'GET', `/statistics?${q}&perspective=receiving`)).body;
    // the receiving perspective's figures, once that report is shown (the page may still show the other one for a moment)
    await page.waitForFunction(
      (want) => document.querySelector('#report-table tfoot td[data-field="received.total"]')?.textContent === want,
      new Intl.NumberFormat('vi-VN').format(api.received.total),
    );
    if (api.pending.outside !== undefined)
      await expect(page.locator('#indicators [data-field="pending.outside"] .value').innerText()).resolves.toBe(String(api.pending.outside));
    await shot(page, '17-report-receiving');
    await context.close();
  }, 60_000);
});
