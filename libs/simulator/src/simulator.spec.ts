import { createHash } from 'node:crypto';
import { computeDueAt, createWorkingTimeContext, decide, evolve, initialDossierState, type DossierCommand, type DossierState } from '@motcua/domain';
// The import route's own line parser (spec files may reach into apps: the lib itself does not).
import { parseImportLine } from '../../../apps/api/src/imports/import-line';
import { campaignMonthOptions, simulate } from './index';

const hashOf = (seed: number, dossiers: number) => {
  const h = createHash('sha256');
  const sim = simulate({ seed, year: 2025, dossiers });
  for (const line of sim.lines()) h.update(line + '\n');
  h.update(JSON.stringify(sim.referenceData()));
  return h.digest('hex');
};

describe('simulator', () => {
  it('is deterministic: same seed → same bytes, another seed → other bytes', () => {
    const a = hashOf(42, 1500);
    expect(hashOf(42, 1500)).toBe(a);
    expect(hashOf(43, 1500)).not.toBe(a);
  });

  it('builds the 2-tier tree: districts and their communes end 30 June 2025, new communes under the province from 1 July', () => {
    const { province } = simulate({ seed: 7 });
    expect(province.districts.length).toBeGreaterThan(5);
    for (const d of province.districts) expect(d).toMatchObject({ level: 'district', parentCode: province.province.code, validTo: '2025-06-30' });
    for (const c of province.oldCommunes) {
      expect(province.districts.map((d) => d.code)).toContain(c.parentCode);
      expect(c.validTo).toBe('2025-06-30');
    }
    for (const c of province.newCommunes) expect(c).toMatchObject({ level: 'commune', parentCode: province.province.code, validFrom: '2025-07-01' });
    const merged = province.newCommunes.flatMap((c) => c.mergedFrom ?? []);
    expect(new Set(merged).size).toBe(province.oldCommunes.length);
    expect(new Set(province.all.map((u) => u.code)).size).toBe(province.all.length);
    const { procedures } = simulate();
    expect(procedures.length).toBeGreaterThanOrEqual(200);
    expect(new Set(procedures.map((p) => p.code)).size).toBe(procedures.length);
    expect(new Set(procedures.map((p) => p.field)).size).toBeGreaterThanOrEqual(8);
  });

  it('sends the 2025 merge through the API: new communes name their old ones as predecessors (PUT after them), one succession per old commune (issue #16)', () => {
    const sim = simulate({ seed: 7 });
    const ref = sim.referenceData();
    const order = new Map(ref.units.map((u, i) => [u.code, i]));
    for (const c of sim.province.newCommunes) {
      const body = ref.units[order.get(c.code)!];
      expect(body).toMatchObject({ validFrom: '2025-07-01', predecessors: c.mergedFrom });
      for (const p of c.mergedFrom!) expect(order.get(p)!).toBeLessThan(order.get(c.code)!);
    }
    expect(ref.successions).toHaveLength(sim.province.oldCommunes.length);
    const byOld = new Map(ref.successions.map((x) => [x.code, x]));
    for (const c of sim.province.newCommunes) {
      for (const p of c.mergedFrom!) expect(byOld.get(p)).toEqual({ code: p, successorCode: c.code, effectiveDate: '2025-07-01' });
    }
    // a scope keeps only the predecessors it lists
    const scoped = simulate({ seed: 1, year: 2025, months: [3, 3], scope: '000.00.12.H99', dossiers: 10 }).referenceData();
    const listed = new Set(scoped.units.map((u) => u.code));
    for (const u of scoped.units) for (const p of u.predecessors ?? []) expect(listed.has(p)).toBe(true);
    for (const x of scoped.successions) expect(listed.has(x.code) && listed.has(x.successorCode)).toBe(true);
  });

  it('over 10k dossiers: every line parses, each dossier folds through decide in time order, and the mix is realistic', () => {
    const sim = simulate({ seed: 2025, year: 2025, dossiers: 10_000 });
    const procs = new Map(sim.procedures.map((p) => [p.code, p]));
    const units = new Map(sim.province.all.map((u) => [u.code, u]));
    const ctx = createWorkingTimeContext();
    const now = new Date('2030-01-01T00:00:00Z');
    const states = new Map<string, { state: DossierState; due: number; last: number; closed: boolean }>();
    const count = {
      lines: 0,
      online: 0,
      direct: 0,
      postal: 0,
      supplements: 0,
      withdrawn: 0,
      resolved: 0,
      late: 0,
      lateWithApology: 0,
      apologies: 0,
      rated: 0,
      satisfied: 0,
      afterReformAtOldUnit: 0,
      transfers: 0,
    };
    const apologised = new Set<string>();
    let previous = -Infinity;
    for (const text of sim.lines()) {
      count.lines++;
      const line = parseImportLine(text);
      const at = new Date(line.base.occurredAt!);
      if (at.getTime() < previous) throw new Error(`line ${count.lines} goes back in time: ${text}`); // the file is in time order
      previous = at.getTime();
      let command: DossierCommand;
      const id = line.dossierId;
      if (line.kind === 'receive') {
        const p = procs.get(line.input.procedureCode)!;
        const u = units.get(line.input.unitCode)!;
        if (!p || !u) throw new Error(`unknown unit or procedure: ${text}`);
        const day = text.slice(text.indexOf('"occurredAt":"') + 14).slice(0, 10);
        if ((u.validFrom && day < u.validFrom) || (u.validTo && day > u.validTo)) count.afterReformAtOldUnit++;
        if (line.input.channel === 'online' && p.onlineLevel === 'none') throw new Error(`online reception of an offline procedure: ${text}`);
        count[line.input.channel]++;
        const { dueAt, calendarVersion } = computeDueAt(ctx, at, p.processingTime);
        command = {
          type: 'ReceiveDossier',
          data: {
            dossierId: id,
            occurredAt: at,
            code: `${u.code}-${count.lines}`,
            unitCode: u.code,
            procedureCode: p.code,
            procedureName: p.name,
            field: p.field,
            channel: line.input.channel,
            onlineLevel: p.onlineLevel,
            applicant: line.input.applicant,
            processingTime: p.processingTime,
            timeZone: u.timeZone,
            dueAt,
            calendarVersion,
          },
        };
        if (states.has(id)) throw new Error(`dossier received twice: ${text}`);
        states.set(id, { state: initialDossierState, due: dueAt.getTime(), last: 0, closed: false });
      } else {
        const s = states.get(id)!;
        if (!s) throw new Error(`step before reception: ${text}`);
        const a = line.action;
        switch (a.action) {
          case 'assign':
            command = {
              type: 'AssignDossier',
              data: { dossierId: id, occurredAt: at, assignee: a.assignee, assigneeName: a.assigneeName, department: a.department },
            };
            break;
          case 'request-supplement':
            count.supplements++;
            command = { type: 'RequestSupplement', data: { dossierId: id, occurredAt: at, reason: a.reason } };
            break;
          case 'receive-supplement': {
            const p = procs.get((s.state as { procedureCode: string }).procedureCode)!;
            const { dueAt, calendarVersion } = computeDueAt(ctx, at, p.processingTime);
            s.due = dueAt.getTime();
            command = { type: 'ReceiveSupplement', data: { dossierId: id, occurredAt: at, newDueAt: dueAt, calendarVersion } };
            break;
          }
          case 'apologise':
            count.apologies++;
            apologised.add(id);
            command = { type: 'IssueApology', data: { dossierId: id, occurredAt: at, reason: a.reason, newDueAt: a.newDueAt, letterNumber: a.letterNumber } };
            break;
          case 'resolve':
            count.resolved++;
            if (at.getTime() > s.due) {
              count.late++;
              if (apologised.has(id)) count.lateWithApology++;
            }
            command = { type: 'ResolveDossier', data: { dossierId: id, occurredAt: at, outcome: a.outcome, note: a.note } };
            break;
          case 'withdraw':
            count.withdrawn++;
            command = { type: 'WithdrawDossier', data: { dossierId: id, occurredAt: at, reason: a.reason } };
            break;
          case 'rate':
            count.rated++;
            if (a.rating === 'satisfied') count.satisfied++;
            command = { type: 'RateSatisfaction', data: { dossierId: id, occurredAt: at, rating: a.rating } };
            break;
          case 'transfer':
            count.transfers++;
            if (a.toUnitCode !== sim.province.province.code || !a.dueAt || a.dueAt.getTime() <= at.getTime()) throw new Error(`bad transfer: ${text}`);
            command = {
              type: 'TransferDossier',
              data: {
                dossierId: id,
                occurredAt: at,
                transferId: a.transferId,
                toUnitCode: a.toUnitCode,
                task: a.task,
                dueAt: a.dueAt,
                calendarVersion: 'v',
                timeZone: 'Asia/Ho_Chi_Minh',
              },
            };
            break;
          case 'transfer-return':
            command = { type: 'ReturnTransfer', data: { dossierId: id, occurredAt: at, transferId: a.transferId, outcome: a.outcome } };
            break;
          default:
            throw new Error(`unexpected ${(a as { action: string }).action}`);
        }
        // no step after closure but the rating
        if (s.closed && command.type !== 'RateSatisfaction') throw new Error(`step after closure: ${text}`);
      }
      const s = states.get(id)!;
      if (at.getTime() < s.last) throw new Error(`dossier step goes back in time: ${text}`);
      const events = decide(command, s.state, now); // throws on any invalid step
      if (events.length !== 1) throw new Error(`no event for ${text}`);
      s.state = events.reduce(evolve, s.state);
      s.last = at.getTime();
      if (command.type === 'ResolveDossier' || command.type === 'WithdrawDossier') s.closed = true;
    }
    const n = states.size;
    expect(n).toBe(10_000);
    expect(count.afterReformAtOldUnit).toBe(0);
    expect(count.online / n).toBeGreaterThan(0.43);
    expect(count.online / n).toBeLessThan(0.47);
    expect(count.direct / n).toBeGreaterThan(0.48);
    expect(count.direct / n).toBeLessThan(0.52);
    expect(count.postal / n).toBeGreaterThan(0.04);
    expect(count.postal / n).toBeLessThan(0.06);
    expect(count.supplements / n).toBeGreaterThan(0.065);
    expect(count.supplements / n).toBeLessThan(0.095);
    expect(count.withdrawn / n).toBeGreaterThan(0.014);
    expect(count.withdrawn / n).toBeLessThan(0.026);
    expect(count.late / count.resolved).toBeGreaterThan(0.05);
    expect(count.late / count.resolved).toBeLessThan(0.08);
    expect(count.lateWithApology / count.late).toBeGreaterThan(0.75);
    expect(count.rated / count.resolved).toBeGreaterThan(0.56);
    expect(count.rated / count.resolved).toBeLessThan(0.64);
    expect(count.satisfied / count.rated).toBeGreaterThanOrEqual(0.97);
    expect(count.satisfied / count.rated).toBeLessThanOrEqual(0.99);
    // liên thông: a few percent of the dossiers go to a province agency and back, some of them late
    expect(count.transfers / n).toBeGreaterThan(0.015);
    expect(count.transfers / n).toBeLessThan(0.04);
    expect(sim.stats.transfers).toBe(count.transfers);
    expect(sim.stats.transfersLate).toBeGreaterThan(0);
    // the generator's own counters agree with what the lines say
    expect(sim.stats).toMatchObject({
      dossiers: n,
      lines: count.lines,
      withdrawn: count.withdrawn,
      resolved: count.resolved,
      late: count.late,
      rated: count.rated,
      supplements: count.supplements,
    });
  }, 240_000);

  it('a district-month: only that district and its communes, only that month', () => {
    const sim = simulate({ seed: 1, year: 2025, months: [3, 3], scope: '000.00.12.H99', dossiers: 2_000 });
    const codes = new Set(sim.referenceData().units.map((u) => u.code));
    let receptions = 0;
    for (const text of sim.lines()) {
      const o = JSON.parse(text) as { command: string; unitCode?: string; occurredAt: string };
      if (o.command !== 'receive') continue;
      receptions++;
      expect(o.unitCode!.startsWith('000.12.') || o.unitCode === '000.00.12.H99').toBe(true);
      expect(codes.has(o.unitCode!)).toBe(true);
      expect(o.occurredAt.slice(0, 7)).toBe('2025-03');
    }
    expect(receptions).toBe(2_000);
  });

  it("a period up to a moment (the demo's last 60 days): receptions in the period, nothing after the moment, open dossiers left open", () => {
    const until = new Date('2026-03-20T10:30:00+07:00');
    const sim = simulate({ seed: 7, period: { from: '2026-01-19', to: '2026-03-20' }, until, dossiers: 1_500 });
    const last = new Map<string, string>();
    let receptions = 0;
    for (const text of sim.lines()) {
      const o = JSON.parse(text) as { command: string; dossierId: string; occurredAt: string };
      expect(Date.parse(o.occurredAt)).toBeLessThanOrEqual(until.getTime());
      if (o.command === 'receive') {
        receptions++;
        expect(o.occurredAt.slice(0, 10) >= '2026-01-19' && o.occurredAt.slice(0, 10) <= '2026-03-20').toBe(true);
      }
      last.set(o.dossierId, o.command);
    }
    // every counted dossier was received (none after `until`), and a realistic share is still open then
    expect(receptions).toBe(sim.stats.dossiers);
    expect(receptions).toBeGreaterThan(1_300);
    const open = [...last.values()].filter((c) => !['resolve', 'withdraw', 'rate'].includes(c)).length;
    expect(open).toBeGreaterThan(50);
    expect([...last.values()].filter((c) => c === 'request-supplement').length).toBeGreaterThan(0);
    expect(() => simulate({ period: { from: '2026-03-20', to: '2026-03-01' } })).toThrow(/ends before it starts/);
  });
});

describe('a campaign month like Tân Bình’s (November 2021, issue #15)', () => {
  it('45,730 dossiers received in the month, a wave after a usual week, the campaign’s procedures cut to a half-day and none late', () => {
    const options = campaignMonthOptions();
    const sim = simulate(options);
    const ref = sim.referenceData();
    expect(ref.campaigns).toHaveLength(1);
    const campaign = ref.campaigns[0];
    expect(campaign).toMatchObject({ id: 'campaign-2021-11', unitCodes: [options.scope], from: '2021-11-01', to: '2021-11-30' });
    expect(campaign.procedures.length).toBeGreaterThan(10);
    const regular = new Map(ref.procedures.map((p) => [p.code, p.processingTime]));
    for (const p of campaign.procedures) {
      expect(p.processingTime).toEqual({ amount: 1, unit: 'half_day' });
      expect(regular.get(p.procedureCode)?.unit).toBe('working_day');
    }
    const inCampaign = new Set(campaign.procedures.map((p) => p.procedureCode));
    const perDay = new Map<string, number>();
    let november = 0;
    let eligible = 0;
    const ctx = createWorkingTimeContext();
    const due = new Map<string, number>();
    let late = 0;
    for (const line of sim.lines()) {
      const c = JSON.parse(line);
      const day = String(c.occurredAt).slice(0, 10);
      if (c.command === 'receive') {
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
        if (day >= '2021-11-01') {
          november++;
          if (inCampaign.has(c.procedureCode)) {
            eligible++;
            due.set(c.dossierId, computeDueAt(ctx, new Date(c.occurredAt), { amount: 1, unit: 'half_day' }).dueAt.getTime());
          }
        }
      } else if (c.command === 'resolve' && due.has(c.dossierId) && Date.parse(c.occurredAt) > due.get(c.dossierId)!) late++;
    }
    expect(november).toBe(45_730);
    expect(eligible).toBe(sim.stats.campaign);
    expect(sim.stats.campaign).toBeGreaterThan(10_000);
    expect(late).toBe(0);
    expect(sim.stats.campaignEarly + sim.stats.campaignOnTime).toBeGreaterThan(0);
    // the wave: a November Tuesday takes about 1.5 times an October one
    const ratio = (perDay.get('2021-11-02') ?? 0) / (perDay.get('2021-10-26') ?? 1);
    expect(ratio).toBeGreaterThan(1.3);
    expect(ratio).toBeLessThan(1.7);
  });
});
