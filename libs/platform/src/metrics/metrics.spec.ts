import { commandOfRoute, outcomeOf } from './http-metrics';
import { Metrics } from './metrics';

describe('Metrics', () => {
  it('maps routes to commands and statuses to outcomes', () => {
    expect(commandOfRoute('POST', '/api/v1/dossiers')).toBe('receive');
    expect(commandOfRoute('POST', '/api/v1/dossiers/:id/request-supplement')).toBe('request-supplement');
    expect(commandOfRoute('POST', '/api/v1/imports')).toBe('import');
    expect(commandOfRoute('GET', '/api/v1/dossiers')).toBeUndefined();
    expect(commandOfRoute('POST', '/api/v1/units/:code')).toBeUndefined();
    expect([200, 201, 400, 401, 403, 404, 409, 413, 422, 429, 500, 503].map((s) => outcomeOf(s))).toEqual([
      'ok',
      'ok',
      'invalid',
      'unauthenticated',
      'forbidden',
      'not-found',
      'conflict',
      'too-large',
      'domain-error',
      'rate-limited',
      'error',
      'unavailable',
    ]);
    expect(outcomeOf(409, 'duplicate')).toBe('duplicate');
  });

  it('observes timer lateness and alerts, and reads projection lag at scrape time', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.alertRaised('overdue', 2.5);
    m.alertRaised('overdue', -1); // a clock a little ahead: counted as on time
    m.projectionSource = () => ({ status: async () => ({ projections: [{ name: 'dossier-summary', eventsBehind: 7, secondsBehind: 1.5 }] }) });
    const text = await m.render();
    expect(text).toContain('motcua_alerts_raised_total{kind="overdue"} 2');
    expect(text).toContain('motcua_timer_lateness_seconds_count{kind="overdue"} 2');
    expect(text).toContain('motcua_timer_lateness_seconds_bucket{le="0.01",kind="overdue"} 1');
    expect(text).toContain('motcua_projection_lag_events{projection="dossier-summary"} 7');
    expect(text).toContain('motcua_projection_lag_seconds{projection="dossier-summary"} 1.5');
    // two registries side by side (two apps in one process) do not collide
    expect(() => new Metrics()).not.toThrow();
  });
});
