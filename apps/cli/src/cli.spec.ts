import { JwtVerifier } from '@motcua/platform/auth';
import { CliCommand, CliIo } from './command';
import { COMMANDS } from './commands';
import { runCli } from './dispatch';
import { cliTokenLifetime } from './commands/token.command';

const SECRET = 'cli-test-secret-that-is-long-enough-0123';

async function cli(argv: string[], env: NodeJS.ProcessEnv = { JWT_SECRET: SECRET }, commands: readonly CliCommand[] = COMMANDS) {
  let out = '';
  let err = '';
  const io: CliIo = { env, out: (t) => void (out += t), err: (t) => void (err += t) };
  const code = await runCli(argv, commands, io);
  return { code, out, err };
}

describe('dispatcher', () => {
  it('lists the commands on help and with no arguments', async () => {
    for (const argv of [[], ['help'], ['--help']]) {
      const res = await cli(argv);
      expect(res.code).toBe(0);
      expect(res.out).toMatch(/Commands:\n {2}token +print a signed HS256 access token/);
    }
    expect((await cli(['help', 'token'])).out).toMatch(/^Usage: npm run cli -- token --sub/);
    expect((await cli(['token', '--help'])).out).toMatch(/^Usage: npm run cli -- token --sub/);
  });

  it('exits 2 on an unknown command', async () => {
    const res = await cli(['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/^unknown command "frobnicate"/);
  });

  it('runs a registered command and reports its failure with exit 1', async () => {
    const boom: CliCommand = { name: 'boom', summary: 's', usage: 'boom', run: async () => Promise.reject(new Error('kaput')) };
    const res = await cli(['boom'], {}, [boom]);
    expect(res.code).toBe(1);
    expect(res.err).toBe('boom failed: kaput\n');
  });
});

describe('token command', () => {
  it('prints a token the API verifier accepts', async () => {
    const res = await cli(['token', '--sub', 'u1', '--name', 'Nguyễn Văn A', '--roles', 'clerk,officer', '--units', '000.00.27.H29', '--expires', '1h']);
    expect(res.code).toBe(0);
    const principal = await new JwtVerifier({ secret: SECRET }).verify(res.out.trim());
    expect(principal).toEqual({ sub: 'u1', name: 'Nguyễn Văn A', roles: ['clerk', 'officer'], units: ['000.00.27.H29'] });
  });

  it('refuses a missing or short JWT_SECRET', async () => {
    const args = ['token', '--sub', 'u1', '--roles', 'clerk', '--units', 'H29'];
    expect(await cli(args, {})).toMatchObject({ code: 1, err: expect.stringMatching(/^JWT_SECRET is not set/) });
    expect(await cli(args, { JWT_SECRET: 'short' })).toMatchObject({ code: 1, err: expect.stringMatching(/at least 32/) });
  });

  it('exits 2 on bad arguments', async () => {
    expect(await cli(['token', '--sub', 'u1', '--roles', 'clerk,root', '--units', 'H29'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown role "root": roles are clerk, officer/),
    });
    expect((await cli(['token', '--roles', 'clerk', '--units', 'H29'])).err).toMatch(/--sub is required/);
    expect((await cli(['token', '--sub', 'u1', '--roles', 'clerk', '--units', 'H29', '--expires', 'soon'])).code).toBe(2);
    expect((await cli(['token', '--sub', 'u1', '--bogus'])).err).toMatch(/unknown option --bogus/);
  });

  it('mints only within the lifetime the API accepts (JWT_MAX_LIFETIME_SECONDS, default 24 h)', async () => {
    const args = ['token', '--sub', 'u1', '--roles', 'clerk', '--units', 'H29', '--expires'];
    expect(await cli([...args, '36500d'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--expires 36500d is 3153600000 s: it must be from 1 s to 86400 s \(JWT_MAX_LIFETIME_SECONDS\)/),
    });
    expect((await cli([...args, '25h'])).code).toBe(2);
    expect((await cli([...args, '2h'], { JWT_SECRET: SECRET, JWT_MAX_LIFETIME_SECONDS: '3600' })).code).toBe(2);
    const day = await cli([...args, '24h']);
    expect(day.code).toBe(0);
    await expect(new JwtVerifier({ secret: SECRET }).verify(day.out.trim())).resolves.toMatchObject({ sub: 'u1' });
    const [, payload] = day.out.trim().split('.');
    const { iat, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(exp - iat).toBe(86_400);
    expect((await cli([...args, '90 minutes'])).code).toBe(0);
    // the tokens the CLI mints for itself (import, rebuild, simulate) shrink to fit too
    expect(cliTokenLifetime({})).toBe(12 * 3600);
    expect(cliTokenLifetime({ JWT_MAX_LIFETIME_SECONDS: '3600' })).toBe(3600);
  });
});
