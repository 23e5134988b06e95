/**
 * Property: whatever commands arrive, in whatever order and with whatever business times,
 * the decider keeps its invariants.
 */
import fc from 'fast-check';
import {
  ALERT_KINDS,
  CORRECTABLE_STEPS,
  PAUSE_KINDS,
  RETURN_METHODS,
  type AlertKind,
  type CorrectableStep,
  type Outcome,
  type PauseKind,
  type Rating,
  type ReturnMethod,
} from '../../shared/types';
import type { DossierCommand } from '../commands';
import { decide } from '../decide';
import { DomainError } from '../errors';
import { eventOccurredAt, isDeadlineAlertEvent, type DossierEvent } from '../events';
import { evolve, foldDossier } from '../evolve';
import { dossierExists, dossierVersion, initialDossierState, isClosedDossier, type DossierState } from '../state';
import { cmd, ID, RECEIVED_AT } from './fixtures';

const MIN = 60_000;
const BASE = Date.parse(RECEIVED_AT);
const NOW = new Date(BASE + 30 * 24 * 60 * MIN);

/** When a command happens: relative to the dossier's last step (may be before it), or in the future. */
type When = { rel: number } | { future: number };
/** A due time: the one in force, or relative to the command's own time. */
type Due = 'effective' | { rel: number };

type Recipe =
  | { c: 'receive'; when: When; dueIn: number; id: 'same' | 'other' }
  | { c: 'assign'; when: When; who: string; department?: string }
  | { c: 'request'; when: When; reason: string }
  | { c: 'supply'; when: When; dueIn: number }
  | { c: 'apologise'; when: When; due: Due; reason: string }
  | { c: 'resolve'; when: When; outcome: Outcome }
  | { c: 'withdraw'; when: When }
  | { c: 'rate'; when: When; rating: Rating }
  | { c: 'alert'; when: When; kind: AlertKind; due: Due }
  | { c: 'pause'; when: When; kind: PauseKind; reason: string }
  | { c: 'resume'; when: When; due: Due; minutes: number }
  | { c: 'return'; when: When; method: ReturnMethod }
  | { c: 'correct'; when: When; undo: CorrectableStep; reason: string };

const when: fc.Arbitrary<When> = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: -6 * 60, max: 4 * 24 * 60 }).map((rel) => ({ rel })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000 }).map((future) => ({ future })) },
);
const due: fc.Arbitrary<Due> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Due>('effective') },
  { weight: 2, arbitrary: fc.integer({ min: -3 * 24 * 60, max: 10 * 24 * 60 }).map((rel) => ({ rel })) },
);
const dueIn = fc.integer({ min: -60, max: 6 * 24 * 60 });
const text = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('Thiếu giấy tờ', 'x') }, { weight: 1, arbitrary: fc.constantFrom('', ' ') });

const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ c: fc.constant('receive' as const), when, dueIn, id: fc.constantFrom('same' as const, 'other' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record(
      { c: fc.constant('assign' as const), when, who: fc.constantFrom('o1', 'o2', 'o1', 'o2', ''), department: fc.constantFrom('A', 'B') },
      { requiredKeys: ['c', 'when', 'who'] },
    ),
  },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('request' as const), when, reason: text }) },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('supply' as const), when, dueIn }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('apologise' as const), when, due, reason: text }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('resolve' as const), when, outcome: fc.constantFrom<Outcome>('approved', 'refused') }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('withdraw' as const), when }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('rate' as const), when, rating: fc.constantFrom<Rating>('satisfied', 'neutral', 'dissatisfied') }) },
  {
    weight: 4,
    arbitrary: fc.record({
      c: fc.constant('alert' as const),
      when,
      kind: fc.constantFrom<AlertKind>(...ALERT_KINDS),
      due,
    }),
  },
  // issue #14: pause / resume, return of the result, corrections
  { weight: 2, arbitrary: fc.record({ c: fc.constant('pause' as const), when, kind: fc.constantFrom<PauseKind>(...PAUSE_KINDS), reason: text }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('resume' as const), when, due, minutes: fc.integer({ min: -1, max: 600 }) }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('return' as const), when, method: fc.constantFrom<ReturnMethod>(...RETURN_METHODS) }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('correct' as const), when, undo: fc.constantFrom<CorrectableStep>(...CORRECTABLE_STEPS), reason: text }) },
);

const iso = (ms: number) => new Date(ms).toISOString();

function build(r: Recipe, state: DossierState): DossierCommand {
  const last = state.status === 'none' ? BASE : Date.parse(state.lastStepOccurredAt);
  const at = 'rel' in r.when ? last + r.when.rel * MIN : NOW.getTime() + r.when.future * MIN;
  const dueFrom = (d: Due) => (d === 'effective' && dossierExists(state) ? Date.parse(state.effectiveDueAt) : at + (d === 'effective' ? 60 : d.rel) * MIN);
  switch (r.c) {
    case 'receive': {
      const c = cmd.receive({ occurredAt: new Date(at), dueAt: new Date(at + r.dueIn * MIN) });
      return r.id === 'same' ? c : { ...c, data: { ...c.data, dossierId: 'other-id' } };
    }
    case 'assign':
      return cmd.assign(r.who, iso(at), r.department === undefined ? {} : { department: r.department });
    case 'request':
      return cmd.requestSupplement(iso(at), r.reason);
    case 'supply':
      return cmd.receiveSupplement(iso(at), iso(at + r.dueIn * MIN));
    case 'apologise': {
      // 'effective': two days after the due time in force (usually valid); rel: anything
      const newDue = dueFrom(r.due) + (r.due === 'effective' ? 2 * 24 * 60 * MIN : 0);
      return cmd.apologise(iso(at), iso(newDue), { reason: r.reason });
    }
    case 'resolve':
      return cmd.resolve(iso(at), r.outcome);
    case 'withdraw':
      return cmd.withdraw(iso(at));
    case 'rate':
      return cmd.rate(iso(at), r.rating);
    case 'alert':
      // a timer uses `now` as occurredAt; here the simulated now is the command time (never after NOW)
      return cmd.alert(r.kind, iso(dueFrom(r.due)), iso(Math.min(at, NOW.getTime())));
    case 'pause':
      return { type: 'PauseProcessing', data: { dossierId: ID, occurredAt: new Date(at), kind: r.kind, reason: r.reason } };
    case 'resume':
      // 'effective': the due time in force moved by the minutes (valid); rel: anything
      return {
        type: 'ResumeProcessing',
        data: {
          dossierId: ID,
          occurredAt: new Date(at),
          newDueAt: new Date(dueFrom(r.due) + (r.due === 'effective' ? Math.max(r.minutes, 0) * MIN : 0)),
          pausedWorkingMinutes: r.minutes,
          calendarVersion: 'test',
        },
      };
    case 'return':
      return { type: 'ReturnResult', data: { dossierId: ID, occurredAt: new Date(at), method: r.method } };
    case 'correct':
      return { type: 'CorrectStep', data: { dossierId: ID, occurredAt: new Date(at), undo: r.undo, reason: r.reason } };
  }
}

interface Run {
  events: DossierEvent[];
  states: DossierState[];
  final: DossierState;
  errors: unknown[];
}

function run(recipes: Recipe[]): Run {
  let state: DossierState = initialDossierState;
  const events: DossierEvent[] = [];
  const states: DossierState[] = [state];
  const errors: unknown[] = [];
  for (const r of recipes) {
    const command = build(r, state);
    const before = structuredClone(state);
    try {
      const produced = decide(command, state, NOW);
      for (const e of produced) {
        state = evolve(state, e);
        events.push(e);
      }
    } catch (error) {
      errors.push(error);
    }
    expect(states[states.length - 1]).toEqual(before); // decide never mutates its input
    states.push(state);
  }
  return { events, states, final: state, errors };
}

const sequences = fc.array(recipe, { minLength: 1, maxLength: 40 });
const withReception = fc
  .tuple(fc.integer({ min: 60, max: 5 * 24 * 60 }), sequences)
  .map(([dueIn, rest]): Recipe[] => [{ c: 'receive', when: { rel: 0 }, dueIn, id: 'same' }, ...rest]);
const anySequence = fc.oneof({ weight: 1, arbitrary: sequences }, { weight: 3, arbitrary: withReception });

describe('dossier decider properties', () => {
  it('folding the emitted events gives the state built step by step; version = event count', () => {
    fc.assert(
      fc.property(anySequence, (recipes) => {
        const { events, final } = run(recipes);
        expect(foldDossier(events)).toEqual(final);
        expect(dossierVersion(final)).toBe(events.length);
        expect(foldDossier(JSON.parse(JSON.stringify(events)) as DossierEvent[])).toEqual(JSON.parse(JSON.stringify(final)));
      }),
      { numRuns: 500 },
    );
  });

  it('only ever throws DomainErrors', () => {
    fc.assert(
      fc.property(anySequence, (recipes) => {
        for (const error of run(recipes).errors) expect(error).toBeInstanceOf(DomainError);
      }),
      { numRuns: 300 },
    );
  });

  it('a withdrawn dossier never changes status again; a resolved one only by a return or a correction', () => {
    fc.assert(
      fc.property(anySequence, (recipes) => {
        const { states } = run(recipes);
        for (let i = 1; i < states.length; i++) {
          const [a, b] = [states[i - 1], states[i]];
          if (!isClosedDossier(a) || a.status === b.status) continue;
          expect(a.status).not.toBe('withdrawn');
          // resolved → returned (return), returned → resolved (return undone), resolved → open (resolve undone)
          if (a.status === 'returned') expect(b.status).toBe('resolved');
          else expect(['returned', 'received', 'assigned', 'awaiting-supplement']).toContain(b.status);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the legal invariants of the history', () => {
    fc.assert(
      fc.property(anySequence, (recipes) => {
        const { events } = run(recipes);
        const count = (type: DossierEvent['type']) => events.filter((e) => e.type === type).length;
        expect(count('DossierReceived')).toBeLessThanOrEqual(1);
        if (events.length > 0) expect(events[0].type).toBe('DossierReceived');
        expect(count('ApologyIssued')).toBeLessThanOrEqual(1);
        expect(count('SatisfactionRated')).toBeLessThanOrEqual(1);
        const undone = (step: CorrectableStep) => events.filter((e) => e.type === 'StepCorrected' && e.data.undo === step).length;
        expect(count('DossierResolved') - undone('resolve') + count('DossierWithdrawn')).toBeLessThanOrEqual(1);
        expect(count('ResultReturned') - undone('return-result')).toBeLessThanOrEqual(1);
        expect(count('ProcessingResumed')).toBeLessThanOrEqual(count('ProcessingPaused'));

        // business time: never in the future; steps never go back in time
        let lastStep = -Infinity;
        for (const e of events) {
          const at = Date.parse(eventOccurredAt(e));
          expect(at).toBeLessThanOrEqual(NOW.getTime());
          if (!isDeadlineAlertEvent(e)) {
            expect(at).toBeGreaterThanOrEqual(lastStep);
            lastStep = at;
          }
        }

        // one alert per kind per due time
        const alertKeys = events.filter(isDeadlineAlertEvent).map((e) => `${e.data.kind}@${e.data.dueAt}`);
        expect(new Set(alertKeys).size).toBe(alertKeys.length);
      }),
      { numRuns: 500 },
    );
  });

  it('alerts are only raised for the due time in force on an open dossier with a running clock', () => {
    fc.assert(
      fc.property(anySequence, (recipes) => {
        const { events } = run(recipes);
        let state: DossierState = initialDossierState;
        for (const e of events) {
          if (isDeadlineAlertEvent(e)) {
            expect(state.status === 'received' || state.status === 'assigned').toBe(true);
            expect(dossierExists(state) && state.effectiveDueAt).toBe(e.data.dueAt);
          }
          state = evolve(state, e);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the effective due time is the appointment after an apology, else the legal due', () => {
    fc.assert(
      fc.property(withReception, (recipes) => {
        for (const s of run(recipes).states) {
          if (!dossierExists(s)) continue;
          expect(s.effectiveDueAt).toBe(s.appointedDueAt ?? s.dueAt);
          expect(s.id).toBe(ID);
        }
      }),
      { numRuns: 300 },
    );
  });
});
