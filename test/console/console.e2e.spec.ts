// page.evaluate callbacks run in the browser; the test program has no DOM library
declare const location: { hash: string };
declare const document: any;
declare const window: any;

import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { ConsoleWorld, openConsole, receive, shot, startConsoleWorld } from './support';

/**
 * The web console (issue #17) in Debian's Chromium (playwright-core), against the built service on
 * PGlite, as a clerk, a supervisor and an auditor use it. Screenshots at 1366×768 go to
 * tmp/console-screenshots (not committed).
 */
describe('web console in a real browser', () => {
  let w: ConsoleWorld;
  let received: { id: string; code: string };
  beforeAll(async () => {
    w = await startConsoleWorld();
  }, 240_000);
  afterAll(async () => {
    await w?.close();
  });

  it('is served at /console/ with cache headers: index.html revalidated, hashed assets immutable', async () => {
    const index = await fetch(`${w.origin}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="\/console\/(assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(`${w.origin}/console/${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${w.origin}/console`, { redirect: 'manual' })).headers.get('location')).toBe('/console/');
  });

  it('a clerk receives a dossier from the keyboard and gets the receipt PDF; the page’s time to usable is measured', async () => {
    const { context, page } = await openConsole(w, w.tokens.clerk);
    // time to usable: navigation start → the reception form's procedure box is there (reference data loaded)
    const usable = async () => {
      await page.locator('#procedure').waitFor({ state: 'visible' });
      return page.evaluate(() => {
        const nav = (performance as any).getEntriesByType('navigation')[0];
        return { usable: performance.now(), html: nav.responseEnd, dom: nav.domContentLoadedEventEnd };
      });
    };
    const cold = await usable();
    await page.reload(); // the hashed assets now come from the browser's cache (immutable)
    const warm = await usable();
    const f = (t: { usable: number; html: number; dom: number }) =>
      `${t.usable.toFixed(0)} ms (HTML ${t.html.toFixed(0)} ms, DOM ready ${t.dom.toFixed(0)} ms)`;
    process.stdout.write(`console time-to-usable (clerk, reception form): first load ${f(cold)}; reload ${f(warm)}\n`);
    expect(cold.usable).toBeLessThan(10_000); // a gross regression guard: 2 s is the goal on an idle machine (see the README)
    await expect(page.locator('#user').innerText()).resolves.toContain('Nguyễn Thị Thuỷ');
    await expect(page.locator('#user').innerText()).resolves.toContain('Phường Đồng Xuân');

    await page.locator('#procedure').focus();
    await page.keyboard.type('khai sinh');
    await page.locator('#procedure-options li').first().waitFor();
    await page.keyboard.press('Enter'); // picks the first match, moves to the applicant's name
    await expect(page.locator('#procedure-chosen').innerText()).resolves.toContain('1.001193');
    await page.keyboard.type('Nguyễn Thị Hoà');
    await page.keyboard.press('Tab');
    await page.keyboard.type('001203004567');
    await page.keyboard.press('Tab');
    await page.keyboard.type('0912345678');
    const popup = context.waitForEvent('page');
    const pdf = page.waitForResponse((r) => r.url().endsWith('/forms/receipt.pdf'));
    await page.keyboard.press('Enter'); // submits the form
    const res = await pdf;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const receipt = await popup; // opened at once (the key press is the gesture), then given the PDF
    await receipt.waitForURL(/^blob:/);
    const done = await page.locator('#receive-done').innerText();
    const code = /(C1-\d{6}-\d{4,})/.exec(done)![1];
    // the dossier is the API's: as received, for the clerk's commune
    const list = await w.api(w.tokens.clerk, 'GET', '/dossiers?unitCode=C1');
    const item = list.body.items.find((d: any) => d.code === code);
    expect(item).toMatchObject({ unitCode: 'C1', procedureCode: '1.001193', status: 'received', channel: 'direct' });
    received = { id: item.id, code };
    expect(done).toMatch(/hẹn trả kết quả \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    await shot(page, '01-counter-received');
    await context.close();
  }, 60_000);

  it('finds the dossier by its code (a scanner types the code and Enter) and shows only the clerk’s steps', async () => {
    const { context, page } = await openConsole(w, w.tokens.clerk);
    await page.locator('#find-top').fill(received.code);
    await page.locator('#find-top').press('Enter');
    await page.waitForFunction((id) => location.hash === `#/ho-so/${id}`, received.id);
    await expect(page.locator('#dossier-code').innerText()).resolves.toBe(received.code);
    const steps = await page.locator('#steps button').allInnerTexts();
    expect(steps).toEqual(['Công dân rút hồ sơ']);
    await expect(page.locator('#timeline li').first().innerText()).resolves.toContain('Tiếp nhận hồ sơ');
    await shot(page, '02-dossier-clerk');
    await context.close();
  }, 60_000);

  it('a clerk’s console offers no admin or supervisor action, and a forged URL shows the API’s refusal', async () => {
    const other = await receive(w, w.tokens.clerk2, { unitCode: 'C2', procedureCode: '1.001193' });
    const { context, page } = await openConsole(w, w.tokens.clerk);
    await page.locator('#procedure').waitFor();
    expect(await page.locator('#nav a').allInnerTexts()).toEqual(['Tiếp nhận', 'Danh sách hồ sơ']);
    const refusal = await w.api(w.tokens.clerk, 'GET', `/dossiers/${other.id}`);
    expect(refusal.status).toBeGreaterThanOrEqual(400);
    await page.evaluate((id) => (location.hash = `#/ho-so/${id}`), other.id);
    const problem = page.locator('.problem');
    await problem.waitFor();
    expect(await problem.innerText()).toContain(refusal.body.detail);
    await shot(page, '03-forged-url-refused');
    // a supervisor's page typed into the address bar: refused by the console, not blank
    await page.evaluate(() => (location.hash = '#/bao-cao'));
    await expect(page.locator('.problem').innerText()).resolves.toContain('Vai trò của bạn không được dùng trang này');
    // the clerk's own dossier: no assign / apologise / resolve
    await page.evaluate((id) => (location.hash = `#/ho-so/${id}`), received.id);
    await page.locator('#dossier-code').waitFor();
    const labels = await page.locator('#steps button').allInnerTexts();
    for (const forbidden of ['Phân công xử lý', 'Xin lỗi và hẹn lại ngày trả', 'Ghi kết quả giải quyết', 'Yêu cầu bổ sung hồ sơ'])
      expect(labels).not.toContain(forbidden);
    await context.close();
  }, 60_000);

  it('a supervisor’s work list shows due times in colour, paged', async () => {
    const { context, page } = await openConsole(w, w.tokens.supervisor, '#/danh-sach');
    await page.locator('#dossier-table tbody tr').first().waitFor();
    expect(await page.locator('#dossier-table tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#dossier-table .due-ok').count()).toBeGreaterThanOrEqual(1);
    await shot(page, '04-work-list');
    await context.close();
  }, 60_000);

  it('a supervisor sees an overdue alert appear live (within 2 s, no reload) and acknowledges it', async () => {
    const { context, page } = await openConsole(w, w.tokens.supervisor, '#/canh-bao?kind=overdue&state=open');
    await page.waitForFunction(() => document.querySelector('#stream-state')?.textContent === 'Đang nhận cảnh báo trực tiếp');
    await page.evaluate(() => ((window as any).__sameDocument = true));
    // a one-hour procedure received (backdated) 56 minutes ago on a round-the-clock unit: due in seconds
    const d = await receive(w, w.tokens.supervisor, {
      unitCode: 'P',
      procedureCode: '2.000815',
      occurredAt: new Date(Date.now() - 3600_000 + 8_000).toISOString(),
    });
    let seenByApi = 0;
    const until = Date.now() + 90_000;
    while (!seenByApi && Date.now() < until) {
      const r = await w.api(w.tokens.supervisor, 'GET', `/alerts?kind=overdue&dossierId=${d.id}`);
      if (r.body.items?.length) seenByApi = Date.now();
      else await new Promise((res) => setTimeout(res, 100));
    }
    expect(seenByApi).toBeGreaterThan(0);
    const row = page.locator(`#alerts-table tr[data-kind="overdue"]`, { hasText: d.code });
    await row.waitFor({ timeout: 2_000 });
    const liveMs = Date.now() - seenByApi;
    process.stdout.write(`overdue alert in the browser ${liveMs} ms after the API listed it\n`);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true); // no reload
    await shot(page, '05-alerts-live');
    await row.getByRole('button', { name: 'Xác nhận đã xem' }).click();
    await row.waitFor({ state: 'detached' });
    // the page took the acknowledgement from the POST's answer; the list (a read model) follows the
    // event a moment later (on PGlite the projections read the log PGLITE_WAKE_DELAY_MS after an append)
    let acked = await w.api(w.tokens.supervisor, 'GET', `/alerts?kind=overdue&state=acknowledged&dossierId=${d.id}`);
    for (const until = Date.now() + 5_000; !acked.body.items?.length && Date.now() < until;) {
      await new Promise((res) => setTimeout(res, 50));
      acked = await w.api(w.tokens.supervisor, 'GET', `/alerts?kind=overdue&state=acknowledged&dossierId=${d.id}`);
    }
    expect(acked.body.items).toHaveLength(1);
    expect(acked.body.items[0].acknowledgedBy).toBe('sup-1');
    await context.close();
  }, 150_000);

  it('the report page shows exactly the figures of GET /statistics (and its QĐ 766 indicators), with a chart, a CSV and an XLSX download', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const q = `unitCode=P&from=${today.slice(0, 8)}01&to=${today}&groupBy=unit`;
    const api = (await w.api(w.tokens.supervisor, 'GET', `/statistics?${q}`)).body;
    const { context, page } = await openConsole(w, w.tokens.supervisor, `#/bao-cao?${q}`);
    await page.locator('#report-table tfoot tr').waitFor();
    await page.locator('#timing-chart').waitFor();
    const int = new Intl.NumberFormat('vi-VN');
    const rate = (r: number | null) =>
      r === null ? '—' : `${new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(r)}%`;
    const at = (o: any, path: string) => path.split('.').reduce((v, k) => v?.[k], o);
    const fields = await page.locator('#report-table tfoot td').evaluateAll((tds) => tds.map((td) => (td as any).dataset.field as string));
    expect(fields.length).toBeGreaterThanOrEqual(10);
    const expectRow = async (selector: string, source: any) => {
      const cells = await page.locator(`${selector} td`).allInnerTexts();
      expect(cells).toEqual(fields.map((f) => (f.endsWith('Rate') ? rate(at(source, f)) : int.format(at(source, f)))));
    };
    await expectRow('#report-table tfoot tr', api);
    expect(api.rows.length).toBeGreaterThanOrEqual(2);
    for (const row of api.rows) await expectRow(`#report-table tbody tr[data-key="${row.key}"]`, row);
    expect(api.received.total).toBeGreaterThanOrEqual(3);
    await shot(page, '06-report');
    const download = page.waitForEvent('download');
    await page.locator('#download-csv').click();
    expect((await download).suggestedFilename()).toMatch(/^bieu-06-P-.*\.csv$/);
    // QĐ 766 indicators (issue #18): the cells show the API's figures
    const days = (v: number | null) => (v === null ? '—' : new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v));
    await expect(page.locator('[data-field="indicators.averageProcessingWorkingDays"] .value').innerText()).resolves.toBe(
      days(api.indicators.averageProcessingWorkingDays),
    );
    await expect(page.locator('[data-field="indicators.onlineShare"] .value').innerText()).resolves.toBe(rate(api.indicators.onlineShare));
    await expect(page.locator('[data-field="indicators.awaitingCollection"] .value').innerText()).resolves.toBe(int.format(api.indicators.awaitingCollection));
    // and the xlsx download: an Excel workbook (a zip) named like the CSV
    const xlsx = page.waitForEvent('download');
    await page.locator('#download-xlsx').click();
    const file = await xlsx;
    expect(file.suggestedFilename()).toMatch(/^bieu-06-P-.*\.xlsx$/);
    const bytes = readFileSync((await file.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Biểu 06')!.getCell(4, 4).value).toBe('Số hồ sơ nhận giải quyết');
    // drill down into a commune
    await page.locator('#report-table tbody tr[data-key="C1"] a').click();
    await page.waitForFunction(() => location.hash.includes('unitCode=C1'));
    await page.locator('#report-title', { hasText: 'Phường Đồng Xuân' }).waitFor();
    await context.close();
  }, 60_000);

  it('an auditor sees a backdated entry marked, the dossier as of a moment, and the hash chains verified', async () => {
    const d = await receive(w, w.tokens.supervisor, {
      unitCode: 'C2',
      procedureCode: '1.001193',
      applicant: { name: 'Đỗ Thị Ngọc Ánh' },
      occurredAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    });
    const { context, page } = await openConsole(w, w.tokens.auditor, `#/kiem-tra?id=${d.id}`);
    const entry = page.locator('#timeline li.backdated');
    await entry.waitFor();
    await expect(entry.innerText()).resolves.toContain('Nhập lùi');
    await expect(entry.innerText()).resolves.toContain('Tiếp nhận hồ sơ');
    await page.locator('#verify-dossier').click();
    await expect(page.locator('#verify-result').innerText()).resolves.toContain('Chuỗi băm toàn vẹn');
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await expect(page.locator('#asof-view').innerText()).resolves.toContain('Đã tiếp nhận');
    await shot(page, '07-audit');
    await context.close();
  }, 60_000);

  it('an expired token sends the clerk to sign in without losing the form being typed', async () => {
    const { mintToken } = await import('@motcua/platform');
    const { SECRET } = await import('./support');
    const short = await mintToken({ sub: 'clerk-1', name: 'Nguyễn Thị Thuỷ', roles: ['clerk'], units: ['C1'], expiresIn: 12 }, SECRET);
    const { context, page } = await openConsole(w, short);
    await page.locator('#f-name').fill('Vũ Đình Khôi');
    await page.locator('#f-phone').fill('0987654321');
    await page.locator('#signin-reason').waitFor({ timeout: 15_000 });
    await shot(page, '08-signin-expired');
    await page.locator('#token').fill(w.tokens.clerk);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('#f-name').waitFor();
    expect(await page.locator('#f-name').inputValue()).toBe('Vũ Đình Khôi');
    expect(await page.locator('#f-phone').inputValue()).toBe('0987654321');
    await context.close();
  }, 60_000);
});
