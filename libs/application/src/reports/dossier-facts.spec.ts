import fc from 'fast-check';
import { dossierExists, foldDossier, isClockRunning, isOpenDossier, type DossierEvent, type ExistingDossier } from '@motcua/domain';
import { worldArb } from './__tests__/report-fixtures';
import { factsFromEvents, type DossierFacts } from './dossier-facts';

/** What the report facts and the dossier state both say about a dossier: they must agree. */
function shared(f: DossierFacts) {
  return {
    status: f.status,
    version: f.version,
    assignee: f.assignee,
    dueAt: f.dueAt,
    appointedDueAt: f.appointedDueAt,
    effectiveDueAt: f.effectiveDueAt,
    resolvedAt: f.resolvedAt,
    outcome: f.outcome,
    withdrawnAt: f.withdrawnAt,
    rating: f.rating,
    ratedAt: f.ratedAt,
    apologyIssuedAt: f.apologyIssuedAt,
    apologyDueAt: f.apologyDueAt,
    returnedAt: f.returnedAt,
  };
}
function fromState(s: ExistingDossier): ReturnType<typeof shared> {
  return {
    status: s.status,
    version: s.version,
    assignee: s.assignee,
    dueAt: s.dueAt,
    appointedDueAt: s.appointedDueAt,
    effectiveDueAt: s.effectiveDueAt,
    resolvedAt: s.resolvedAt,
    outcome: s.outcome,
    withdrawnAt: s.withdrawnAt,
    rating: s.rating,
    ratedAt: s.ratedAt,
    apologyIssuedAt: s.apology?.issuedAt,
    apologyDueAt: s.apology?.previousDueAt,
    returnedAt: s.returnedAt,
  };
}

const at = (n: number) => new Date(Date.UTC(2025, 2, 3, 2) + n * 3_600_000).toISOString();

/** Any event after a reception, in any order, closed dossiers included (a buggy or hand-written stream). */
const anyEvent: fc.Arbitrary<(n: number) => DossierEvent> = fc.oneof(
  fc.constantFrom('a', 'b').map((who) => (n: number): DossierEvent => ({ type: 'DossierAssigned', data: { assignee: who, assignedAt: at(n) } })),
  fc.constant((n: number): DossierEvent => ({ type: 'SupplementRequested', data: { reason: 'thiếu', requestedAt: at(n) } })),
  fc.constant((n: number): DossierEvent => ({
    type: 'SupplementReceived',
    data: { receivedAt: at(n), dueAt: at(n + 48), calendarVersion: 'v', previousDueAt: at(n) },
  })),
  fc.constant((n: number): DossierEvent => ({ type: 'ApologyIssued', data: { reason: 'r', newDueAt: at(n + 96), issuedAt: at(n), previousDueAt: at(n + 1) } })),
  fc
    .constantFrom('approved', 'refused' as const)
    .map((outcome) => (n: number): DossierEvent => ({ type: 'DossierResolved', data: { outcome, resolvedAt: at(n) } })),
  fc.constant((n: number): DossierEvent => ({ type: 'DossierWithdrawn', data: { reason: 'r', withdrawnAt: at(n) } })),
  fc.constant((n: number): DossierEvent => ({ type: 'SatisfactionRated', data: { rating: 'satisfied', ratedAt: at(n) } })),
  fc.constant((n: number): DossierEvent => ({ type: 'DossierOverdue', data: { kind: 'overdue', dueAt: at(n), raisedAt: at(n), unitCode: 'U' } })),
);

const reception: DossierEvent = {
  type: 'DossierReceived',
  data: {
    dossierId: 'd1',
    code: 'U-1',
    unitCode: 'U',
    procedureCode: 'P',
    field: 'F',
    channel: 'direct',
    onlineLevel: 'none',
    applicant: { name: 'A' },
    processingTime: { amount: 3, unit: 'working_day' },
    timeZone: 'Asia/Ho_Chi_Minh',
    receivedAt: at(0),
    dueAt: at(72),
    calendarVersion: 'v',
  },
};

describe('report facts follow the domain fold (one status machine)', () => {
  it('agree with foldDossier on every generated world', () => {
    fc.assert(
      fc.property(worldArb(30), (world) => {
        for (const d of world.dossiers) {
          const state = foldDossier(d.events);
          if (!dossierExists(state)) continue; // refused at reception: see below
          expect(shared(factsFromEvents(d.events, d.id)!)).toEqual(fromState(state));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refusals and supplement requests: the facts equal a brute-force count of the raw events', () => {
    let refusals = 0;
    let late = 0;
    let repeated = 0;
    fc.assert(
      fc.property(worldArb(30), (world) => {
        for (const d of world.dossiers) {
          const facts = factsFromEvents(d.events, d.id)!;
          const first = d.events[0];
          if (first.type === 'DossierRefusedAtReception') {
            refusals++;
            expect(foldDossier(d.events).status).toBe('refused-at-reception');
            expect(facts).toMatchObject({ status: 'refused-at-reception', refusedAt: first.data.refusedAt, version: 1, clock: [] });
            continue;
          }
          expect(facts.refusedAt).toBeUndefined();
          const requests = d.events.filter((e) => e.type === 'SupplementRequested');
          const lateHere = requests.filter((e) => e.data.withinLegalTime === false).length;
          const repeatedHere = requests.filter((e) => (e.data.sequence ?? 1) > 1).length;
          late += lateHere;
          repeated += repeatedHere;
          expect(facts.supplementRequestsLate ?? 0).toBe(lateHere);
          expect(facts.supplementRequestsRepeated ?? 0).toBe(repeatedHere);
        }
      }),
      { numRuns: 60 },
    );
    // the generator exercises them
    expect(refusals).toBeGreaterThan(10);
    expect(late).toBeGreaterThan(5);
    expect(repeated).toBeGreaterThan(5);
  });

  it('agree with foldDossier on any sequence of events after a reception, closed dossiers included', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 12 }), (steps) => {
        const events = [reception, ...steps.map((make, i) => make(i + 1))];
        const state = foldDossier(events) as ExistingDossier;
        const facts = factsFromEvents(events, 'd1')!;
        expect(shared(facts)).toEqual(fromState(state));
        // while open, the clock is stopped exactly when the domain says it does not run
        if (isOpenDossier(state)) expect(facts.clockStoppedAt !== undefined).toBe(!isClockRunning(state));
      }),
      { numRuns: 500 },
    );
  });
});
