import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig, publicApiBaseUrl } from './app-config';

function problemsOf(env: NodeJS.ProcessEnv, role: 'all' | 'api' | 'worker' = 'all'): string[] {
  try {
    loadConfig(env, role);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('loadConfig', () => {
  it('has working defaults, including the operations settings', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      healthMaxLagEvents: 10_000,
      healthMaxLagSeconds: 300,
      healthMaxTimerBacklog: 10_000,
      timersQueue: 'deadline-timers',
      metricsToken: undefined,
      rateLimitPerMinute: 1200,
      bodyLimitBytes: 1_048_576,
    });
  });

  it('reads EARLIEST_BUSINESS_DATE (default 2000-01-01) and refuses a date outside the calendar’s range', () => {
    expect(loadConfig({}).earliestBusinessDate).toBe('2000-01-01');
    expect(loadConfig({ EARLIEST_BUSINESS_DATE: '2015-07-01' }).earliestBusinessDate).toBe('2015-07-01');
    for (const bad of ['1900-01-01', '2100-01-01', '2025-02-30', '2025-1-1', 'yesterday']) {
      expect(problemsOf({ EARLIEST_BUSINESS_DATE: bad })).toEqual([`EARLIEST_BUSINESS_DATE="${bad}" must be a date YYYY-MM-DD from 1901-01-02 to 2099-12-30`]);
    }
  });

  it('reads the rule-set switch dates RULES_2025_FROM / TT03_2025_FORMS_FROM (default 2025-07-01) and refuses bad or inverted ones', () => {
    expect(loadConfig({}).ruleSetSwitches).toEqual({ rules2025From: '2025-07-01', tt03FormsFrom: '2025-07-01' });
    expect(loadConfig({ TT03_2025_FORMS_FROM: '2025-08-15' }).ruleSetSwitches).toEqual({ rules2025From: '2025-07-01', tt03FormsFrom: '2025-08-15' });
    expect(problemsOf({ RULES_2025_FROM: '2025-02-30' })).toEqual(['RULES_2025_FROM="2025-02-30" must be a date YYYY-MM-DD from 1901-01-02 to 2099-12-30']);
    expect(problemsOf({ TT03_2025_FORMS_FROM: '2025-06-30' })).toEqual([
      'TT03_2025_FORMS_FROM (2025-06-30) may not be earlier than RULES_2025_FROM (2025-07-01)',
    ]);
  });

  it('names every bad variable at once, each with a clear message', () => {
    const env = {
      EVENT_STORE_URL: 'mysql://nope',
      READ_MODEL_URL: 'mysql://x',
      REDIS_URL: 'http://redis',
      PORT: 'abc',
      RUN_WORKER: 'maybe',
      JWT_SECRET: 'short',
      JWT_PUBLIC_KEY: 'not a pem',
      JWKS_URL: 'ftp://keys.example/jwks.json',
      LOG_LEVEL: 'loud',
      SHUTDOWN_TIMEOUT_SECONDS: '0',
      BODY_LIMIT_BYTES: '10',
      IMPORT_BODY_LIMIT_BYTES: '-1',
      WEBHOOK_ATTEMPTS: '1000',
      WEBHOOK_BACKOFF_MS: '1.5',
      HEALTH_MAX_LAG_EVENTS: 'many',
      HEALTH_MAX_LAG_SECONDS: '-5',
      HEALTH_MAX_TIMER_BACKLOG: 'x',
      METRICS_TOKEN: 'short',
      RATE_LIMIT_PER_MINUTE: 'fast',
      TIMERS_QUEUE: 'bad queue name',
    };
    const problems = problemsOf(env);
    const text = problems.join('\n');
    for (const name of Object.keys(env)) expect(text).toContain(name);
    // one line per variable, and the value or the rule is in it
    expect(text).toMatch(/PORT="abc" must be a whole number from 0 to 65535/);
    expect(text).toMatch(/RATE_LIMIT_PER_MINUTE="fast" must be a whole number/);
    expect(text).toMatch(/JWT_PUBLIC_KEY must be a PEM public key/);
    expect(text).toMatch(/JWKS_URL "ftp:\/\/keys.example\/jwks.json" must be an http:\/\/ or https:\/\/ URL/);
    expect(text).toMatch(/METRICS_TOKEN must be at least 16 characters/);
    expect(problems.length).toBeGreaterThanOrEqual(Object.keys(env).length);
    // the thrown message lists them all
    expect(() => loadConfig(env)).toThrow(/Invalid configuration:\n {2}- /);
  });

  it('accepts RSA and P-256 public keys (also with \\n escapes) and an https JWKS URL; refuses other keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(loadConfig({ JWT_PUBLIC_KEY: rsa }).jwtPublicKey).toBe(rsa);
    expect(loadConfig({ JWT_PUBLIC_KEY: ec.replace(/\n/g, '\\n') }).jwtPublicKey).toBeDefined();
    expect(loadConfig({ JWKS_URL: 'https://idp.example/.well-known/jwks.json' }).jwksUrl).toBe('https://idp.example/.well-known/jwks.json');
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(problemsOf({ JWT_PUBLIC_KEY: ed })).toEqual(['JWT_PUBLIC_KEY must be an RSA key (RS256) or a P-256 EC key (ES256)']);
    const garbled = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----';
    expect(problemsOf({ JWT_PUBLIC_KEY: garbled })[0]).toMatch(/^JWT_PUBLIC_KEY is not a readable PEM public key/);
    expect(problemsOf({ JWKS_URL: 'not a url' })).toEqual(['JWKS_URL "not a url" must be an http:// or https:// URL']);
  });

  it('reads the token settings: maximum lifetime (default 24 h), issuer and audience', () => {
    expect(loadConfig({})).toMatchObject({ jwtMaxLifetimeSeconds: 86_400, jwtIssuer: undefined, jwtAudience: undefined });
    expect(loadConfig({ JWT_MAX_LIFETIME_SECONDS: '3600', JWT_ISSUER: 'motcua', JWT_AUDIENCE: 'motcua-api' })).toMatchObject({
      jwtMaxLifetimeSeconds: 3600,
      jwtIssuer: 'motcua',
      jwtAudience: 'motcua-api',
    });
    expect(problemsOf({ JWT_MAX_LIFETIME_SECONDS: '3153600000' })).toEqual([
      'JWT_MAX_LIFETIME_SECONDS="3153600000" must be a whole number from 60 to 31536000',
    ]);
  });

  it('reads the operations settings', () => {
    const c = loadConfig({
      HEALTH_MAX_LAG_EVENTS: '5',
      HEALTH_MAX_LAG_SECONDS: '7',
      HEALTH_MAX_TIMER_BACKLOG: '9',
      METRICS_TOKEN: 'a-metrics-token-0123',
      RATE_LIMIT_PER_MINUTE: '0',
      TIMERS_QUEUE: 'timers-2',
    });
    expect(c).toMatchObject({
      healthMaxLagEvents: 5,
      healthMaxLagSeconds: 7,
      healthMaxTimerBacklog: 9,
      metricsToken: 'a-metrics-token-0123',
      rateLimitPerMinute: 0,
      timersQueue: 'timers-2',
    });
  });

  it('reads QUEUE_PREFIX (unset: none, so the queues name it after the event store) and refuses one with spaces', () => {
    expect(loadConfig({}).queuePrefix).toBeUndefined();
    expect(loadConfig({ QUEUE_PREFIX: ' motcua-prod:v2 ' }).queuePrefix).toBe('motcua-prod:v2');
    expect(problemsOf({ QUEUE_PREFIX: 'two words' })).toEqual(['QUEUE_PREFIX="two words" may only contain letters, digits, ".", "_", ":" and "-"']);
  });

  it('bounds database waits and health probes (defaults, overrides, bad values)', () => {
    expect(loadConfig({})).toMatchObject({ dbConnectTimeoutMs: 5_000, dbStatementTimeoutMs: 30_000, healthProbeTimeoutMs: 5_000 });
    expect(loadConfig({ DB_CONNECT_TIMEOUT_MS: '800', DB_STATEMENT_TIMEOUT_MS: '0', HEALTH_PROBE_TIMEOUT_MS: '300' })).toMatchObject({
      dbConnectTimeoutMs: 800,
      dbStatementTimeoutMs: 0,
      healthProbeTimeoutMs: 300,
    });
    expect(problemsOf({ DB_CONNECT_TIMEOUT_MS: '0', DB_STATEMENT_TIMEOUT_MS: 'soon' })).toEqual([
      'DB_CONNECT_TIMEOUT_MS="0" must be a whole number from 100 to 600000',
      'DB_STATEMENT_TIMEOUT_MS="soon" must be a whole number from 0 to 86400000',
    ]);
  });
});

describe('loadConfig: citizen notices (issue #19)', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };

  it('leaves every channel off until configured, and links to the public look-up page', () => {
    const c = loadConfig({});
    expect(c.notify.smtpUrl).toBeUndefined();
    expect(c.notify.smsGatewayUrl).toBeUndefined();
    expect(c.publicBaseUrl).toBeUndefined();
    expect(publicApiBaseUrl(c)).toBe('http://127.0.0.1:3000/api/v1');
    expect(publicApiBaseUrl(loadConfig({ PUBLIC_BASE_URL: 'https://dvc.example.vn/' }))).toBe('https://dvc.example.vn/api/v1');
  });

  it('names each bad notice setting', () => {
    expect(problems({ SMTP_URL: 'smtp://127.0.0.1:25' })).toEqual(['NOTIFY_FROM must name the sender address of e-mails when SMTP_URL is set']);
    expect(problems({ SMTP_URL: 'http://mail', NOTIFY_FROM: 'a@b.vn' })[0]).toContain('SMTP_URL');
    expect(problems({ SMS_GATEWAY_URL: 'ftp://x' })[0]).toContain('SMS_GATEWAY_URL');
    expect(problems({ SMS_GATEWAY_AUTH: 'no header' })).toEqual(['SMS_GATEWAY_AUTH must be one header, "Name: value"']);
    expect(problems({ SMS_GATEWAY_BODY: '{"to":"{{to}}"' })[0]).toContain('SMS_GATEWAY_BODY is not JSON');
    expect(problems({ SMS_GATEWAY_BODY: '{"to":"{{to}}"}' })[0]).toContain('{{text}}');
    expect(problems({ SMS_GATEWAY_BODY: '{"to":"{{to}}","m":"{{text}}","x":"{{who}}"}' })[0]).toContain('only {{to}}');
    expect(problems({ PUBLIC_BASE_URL: 'dvc.example.vn' })[0]).toContain('PUBLIC_BASE_URL');
    const ok = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.vn', NOTIFY_FROM: 'Một cửa <motcua@example.vn>', SMS_GATEWAY_AUTH: 'Authorization: Bearer x' });
    expect(ok.notify).toMatchObject({ smtpUrl: 'smtps://u:p@mail.example.vn', smsGatewayAuth: { name: 'Authorization', value: 'Bearer x' } });
  });
});
