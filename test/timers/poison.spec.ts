import { randomUUID } from 'node:crypto';
import { ApologyIssuedSchemaVersion, dossierStreamName } from '@motcua/domain';
import { Metrics } from '@motcua/platform';
import { DeadlineTimers } from '@motcua/timers';
import { adminCtx, alertsOf, receiveDueAt, TimersFixture, timersFixture, waitFor } from './support';

/**
 * Issue #12.1: an event whose dates the calendar cannot compute (a re-appointment to 2999, written
 * before the HTTP door refused it) must not stall the timers' scheduling subscription nor the sweep:
 * that dossier is recorded as poison, counted, logged and skipped, every other dossier still gets
 * its alerts, and the sweep retries the entry until the dossier computes again.
 */
describe('a poison event never stalls the deadline timers', () => {
  let f: TimersFixture;
  let timers: DeadlineTimers;
  const metrics = new Metrics({ defaultMetrics: false });
  const logs: string[] = [];
  const logger = { log: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };

  beforeAll(async () => {
    f = await timersFixture('poison');
  });
  afterAll(async () => f.close());

  /** A re-appointment to 2999 appended straight into the store (no door, no decider). */
  async function poison(): Promise<{ id: string; eventId: string }> {
    const { id, dueAt } = await receiveDueAt(f, Date.now() + 3_600_000);
    const eventId = randomUUID();
    const issuedAt = new Date().toISOString();
    await f.store.append(dossierStreamName(id), [
      {
        id: eventId,
        type: 'ApologyIssued',
        data: { reason: 'hostile test', newDueAt: '2999-01-01T01:00:00.000Z', issuedAt, previousDueAt: new Date(dueAt).toISOString() },
        metadata: {
          actor: { id: 'system:test' },
          correlationId: 'poison',
          causationId: 'poison',
          occurredAt: issuedAt,
          schemaVersion: ApologyIssuedSchemaVersion,
        },
      },
    ]);
    return { id, eventId };
  }

  it('records, counts and logs the poison dossier, skips it, and every other dossier still gets its alerts', async () => {
    const bad = await poison(); // in the log before the timers start: the first batch they read
    timers = f.timers({
      logger,
      onPoison: (source) => metrics.timerPoison.inc({ source }),
    });
    await timers.start();
    const good = await receiveDueAt(f, Date.now() + 4_000);
    await waitFor(async () => (await alertsOf(f.store, good.id)).some((e) => e.type === 'DossierOverdue'), 90_000, 'the good dossier overdue alert');

    // the subscription moved past the poison event: no lag left
    await waitFor(async () => (await timers.status()).eventsBehind === 0, 60_000, 'the subscription caught up');
    const status = await timers.status();
    expect(status).toMatchObject({ eventsBehind: 0, secondsBehind: 0, poisoned: 1, running: true });

    const entries = await timers.poisonEntries();
    expect(entries).toEqual([
      expect.objectContaining({
        dossierId: bad.id,
        stream: dossierStreamName(bad.id),
        eventId: bad.eventId,
        eventType: 'ApologyIssued',
        error: expect.stringContaining('fallbackCalendar'),
      }),
    ]);
    const counted = (await metrics.timerPoison.get()).values.find((v) => v.labels.source === 'subscription');
    expect(counted?.value).toBeGreaterThanOrEqual(1);
    expect(await metrics.registry.metrics()).toMatch(/motcua_timers_poison_events_total\{source="subscription"\} [1-9]/);
    expect(logs.some((l) => l.includes('poison') && l.includes(dossierStreamName(bad.id)) && l.includes(bad.eventId))).toBe(true);
    expect(logs.some((l) => l.includes('scheduling failed'))).toBe(false);
  }, 180_000);

  it('the sweep skips the poison dossier instead of failing, and retries it until it computes again', async () => {
    const before = (await timers.poisonEntries())[0];
    const swept = await timers.sweep();
    expect(swept.poisoned).toBeGreaterThanOrEqual(1);
    expect(swept.recovered).toBe(0);
    const after = (await timers.poisonEntries())[0];
    expect(after.attempts).toBeGreaterThan(before.attempts);
    expect(after.eventId).toBe(before.eventId); // still names the event that poisoned it

    // a fix: the dossier is resolved (its timers are no longer needed, so they compute: none)
    await f.dossiers.execute(before.dossierId, { action: 'resolve', outcome: 'approved' }, adminCtx());
    const fixed = await timers.sweep();
    expect(fixed.recovered).toBe(1);
    expect(await timers.poisonEntries()).toEqual([]);
    expect((await timers.status()).poisoned).toBe(0);
  }, 120_000);
});
