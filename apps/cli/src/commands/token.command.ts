/** `token`: prints an HS256 JWT signed with JWT_SECRET, for calling the API by hand or in scripts. */
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, isRole, MIN_SECRET_LENGTH, mintToken, ROLES } from '@motcua/platform/auth';
import { parseArgs, requiredFlag, splitList } from '../args';
import { CliCommand, UsageError } from '../command';

const DURATION = /^(\d+) ?(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/i;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds of a duration that matches DURATION. */
function durationSeconds(text: string): number {
  const [, amount, unit] = DURATION.exec(text) as RegExpExecArray;
  const u = unit.toLowerCase();
  return Number(amount) * UNIT_SECONDS[u.startsWith('mi') || u === 'm' ? 'm' : u[0]];
}

/** JWT_MAX_LIFETIME_SECONDS as the API reads it (default 24 h). */
export function maxLifetime(env: NodeJS.ProcessEnv): number {
  const raw = env.JWT_MAX_LIFETIME_SECONDS?.trim();
  const n = raw ? Number(raw) : NaN;
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
}

export const tokenCommand: CliCommand = {
  name: 'token',
  summary: 'print a signed HS256 access token (needs JWT_SECRET)',
  usage: [
    'token --sub <user id> --roles <role,...> --units <unit code,...> [--name <display name>] [--expires 8h]',
    '',
    `  --roles    one or more of ${ROLES.join(', ')}`,
    '  --units    unit codes the user works for (each grants its descendants)',
    '  --expires  lifetime such as 30m, 8h (default 8h); at most JWT_MAX_LIFETIME_SECONDS (default 24h),',
    '             the longest lifetime the API accepts',
    '',
    'JWT_SECRET (at least 32 characters) must be the secret the API verifies with;',
    'JWT_ISSUER and JWT_AUDIENCE, when set, are written into the token.',
    'Example: npm run cli -- token --sub u1 --name "Nguyễn Văn A" --roles clerk,officer --units 000.00.27.H29',
  ].join('\n'),

  async run(args, io) {
    const parsed = parseArgs(args, { values: ['sub', 'name', 'roles', 'units', 'expires'] });
    if (parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    const sub = requiredFlag(parsed, 'sub');
    const roles = splitList(requiredFlag(parsed, 'roles'));
    const unknown = roles.filter((r) => !isRole(r));
    if (unknown.length) throw new UsageError(`unknown role ${unknown.map((r) => `"${r}"`).join(', ')}: roles are ${ROLES.join(', ')}`);
    const units = splitList(requiredFlag(parsed, 'units'));
    if (!units.length) throw new UsageError('--units needs at least one unit code');
    const expires = typeof parsed.flags.expires === 'string' ? parsed.flags.expires.trim() : '8h';
    if (!DURATION.test(expires)) throw new UsageError(`--expires "${expires}" is not a duration such as 30m or 8h`);
    const max = maxLifetime(io.env);
    const seconds = durationSeconds(expires);
    if (seconds < 1 || seconds > max) {
      throw new UsageError(`--expires ${expires} is ${seconds} s: it must be from 1 s to ${max} s (JWT_MAX_LIFETIME_SECONDS), or the API refuses the token`);
    }
    const name = typeof parsed.flags.name === 'string' && parsed.flags.name.trim() ? parsed.flags.name.trim() : undefined;

    const secret = io.env.JWT_SECRET;
    if (!secret) {
      io.err('JWT_SECRET is not set: export the same secret the API uses (at least 32 characters).\n');
      return 1;
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      io.err(`JWT_SECRET is ${secret.length} characters long; it must be at least ${MIN_SECRET_LENGTH}.\n`);
      return 1;
    }
    const token = await mintToken(
      {
        sub,
        name,
        roles: roles.filter(isRole),
        units,
        expiresIn: seconds,
        issuer: io.env.JWT_ISSUER || undefined,
        audience: io.env.JWT_AUDIENCE || undefined,
      },
      secret,
    );
    io.out(`${token}\n`);
    return 0;
  },
};

/** Lifetime of the tokens the CLI mints for itself (import, rebuild, simulate): 12 h, or less if the API accepts less. */
export function cliTokenLifetime(env: NodeJS.ProcessEnv): number {
  return Math.min(12 * 3600, maxLifetime(env));
}
