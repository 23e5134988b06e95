import { eventMetadata } from './event-metadata';

describe('eventMetadata: the one builder of event metadata', () => {
  const ctx = {
    actor: { id: 'u1', name: 'Lan', roles: ['clerk', 'officer'] as const, units: ['P'] },
    correlationId: 'req-1',
    causationId: 'cmd-1',
    now: new Date('2025-03-03T02:00:00Z'),
  };

  it('records who, why, when (business time) and the schema version', () => {
    expect(eventMetadata(ctx, { occurredAt: new Date('2025-03-02T09:00:00Z'), schemaVersion: 1 })).toEqual({
      actor: { id: 'u1', name: 'Lan', roles: ['clerk', 'officer'] },
      correlationId: 'req-1',
      causationId: 'cmd-1',
      occurredAt: '2025-03-02T09:00:00.000Z',
      schemaVersion: 1,
    });
  });

  it('keeps the idempotency key when there is one, and leaves out what the actor does not have', () => {
    const m = eventMetadata(
      { actor: { id: 'system:audit' }, correlationId: 'a', causationId: 'a' },
      { occurredAt: '2025-03-02T09:00:00.000Z', schemaVersion: 3, idempotencyKey: 'k-1' },
    );
    expect(m).toEqual({
      actor: { id: 'system:audit' },
      correlationId: 'a',
      causationId: 'a',
      occurredAt: '2025-03-02T09:00:00.000Z',
      schemaVersion: 3,
      idempotencyKey: 'k-1',
    });
    expect(Object.keys(m.actor)).toEqual(['id']);
    expect('idempotencyKey' in eventMetadata(ctx, { occurredAt: ctx.now, schemaVersion: 1, idempotencyKey: undefined })).toBe(false);
  });

  it('copies the roles (a later change to the actor does not alter written metadata)', () => {
    const roles = ['clerk'];
    const m = eventMetadata({ actor: { id: 'u', roles }, correlationId: 'c', causationId: 'c' }, { occurredAt: ctx.now, schemaVersion: 1 });
    roles.push('admin');
    expect(m.actor.roles).toEqual(['clerk']);
  });
});
