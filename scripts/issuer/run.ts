// The demo issuer's commands (`npm run -s issuer -- <command>`, cli.ts), standing in for the
// provincial platform: it mints real codes with test keys so the terminal can be shown working end
// to end. `runIssuer` takes the arguments and where its text goes, and returns the exit status, so
// that a test can call it in-process as well as through the process.
import { existsSync, openSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { intOption, parseArgs, UsageError } from './args.ts';
import { keygen } from './keys.ts';
import { CODE_TYPES, DOC_TYPES, HEALTH_STATUSES, mintCode, type MintOptions } from './mint.ts';
import { readDscs, signedTrustList } from './trust-list.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const DEFAULT_KEYS = 'data/demo/issuer';
const DEFAULT_PORT = 'data/demo/dev/scanner-sim';
const SUBJECT_OPTIONS = ['doc-type', 'doc-no', 'birth-date', 'sex', 'nationality'] as const;
const CREDENTIAL_OPTIONS = ['credential-type', 'credential-no', 'holder', 'valid-from', 'valid-until', 'issuer-name'] as const;
const MINT_OPTIONS = ['keys', 'issuer', 'type', 'sub', 'scope', 'name', 'ttl', 'at', 'health', 'health-as-of', ...SUBJECT_OPTIONS, ...CREDENTIAL_OPTIONS] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const USAGE = `usage: issuer <command> ...
  keygen --out <dir>
  trust-list --keys <dir> --sequence <n> [--expires-in <seconds>] [--out <file>] [--dsc <file|dir>]
  mint --keys <dir> [--issuer CN-44|CN-11|CN-36|MO] [--type personal|health|credential] [--sub s]
       [--scope a,b] [--ttl seconds] [--at unix]
       subject:    [--name 张三] [--doc-type CN-RIC|CN-FPRIC|CN-HMTRP|PASSPORT|MO-RIC] [--doc-no n]
                   [--birth-date YYYY-MM-DD] [--sex M|F] [--nationality CHN]
       health:     [--health green|yellow|red|none] [--health-as-of unix]
       credential: [--credential-type driver-license] [--credential-no n] [--holder 张三]
                   [--valid-from YYYY-MM-DD] [--valid-until YYYY-MM-DD] [--issuer-name 广州市公安局]
  scan [--keys <dir>] [--port <path>] [mint options...]`;

function mintOptions(opts: Map<string, string>, keysDefault?: string): MintOptions {
  const keys = opts.get('keys') ?? (keysDefault && resolve(repoRoot, keysDefault));
  if (!keys) throw new UsageError('--keys <dir> is required');
  const type = opts.get('type');
  if (type !== undefined && !(CODE_TYPES as readonly string[]).includes(type)) {
    throw new UsageError(`--type should be one of ${CODE_TYPES.join(', ')}, got "${type}"`);
  }
  const health = opts.get('health');
  if (health !== undefined && ![...HEALTH_STATUSES, 'none'].includes(health)) {
    throw new UsageError(`--health should be green, yellow, red or none (no status), got "${health}"`);
  }
  const check = (name: string, ok: (v: string) => boolean, expected: string) => {
    const v = opts.get(name);
    if (v !== undefined && !ok(v)) throw new UsageError(`--${name} should be ${expected}, got "${v}"`);
  };
  check('doc-type', (v) => (DOC_TYPES as readonly string[]).includes(v), `one of ${DOC_TYPES.join(', ')}`);
  for (const d of ['birth-date', 'valid-from', 'valid-until']) check(d, (v) => DATE.test(v) && !Number.isNaN(Date.parse(v)), 'a date YYYY-MM-DD');
  check('sex', (v) => v === 'M' || v === 'F', 'M or F');
  check('nationality', (v) => /^[A-Z]{3}$/.test(v), 'an ISO 3166 alpha-3 code such as CHN');
  const subject = Object.fromEntries(SUBJECT_OPTIONS.filter((k) => opts.has(k)).map((k) => [k.replace('-', '_'), opts.get(k)!]));
  const credentialType = opts.get('credential-type');
  if (!credentialType && CREDENTIAL_OPTIONS.some((k) => opts.has(k))) throw new UsageError('credential fields need --credential-type');
  return {
    keys,
    issuer: opts.get('issuer'),
    type,
    sub: opts.get('sub'),
    scope: opts.get('scope')?.split(',').filter(Boolean),
    name: opts.get('name'),
    ttl: intOption(opts, 'ttl'),
    at: intOption(opts, 'at'),
    health,
    healthAsOf: intOption(opts, 'health-as-of'),
    subject,
    credential: credentialType
      ? {
          type: credentialType,
          no: opts.get('credential-no'),
          holder: opts.get('holder'),
          valid_from: opts.get('valid-from'),
          valid_until: opts.get('valid-until'),
          issuer_name: opts.get('issuer-name'),
        }
      : undefined,
  };
}

/** Where the issuer's lines go: the process's stdout and stderr, or a test's buffers. */
export interface IssuerIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: IssuerIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

async function main(argv: string[], io: IssuerIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'keygen': {
      const { options } = parseArgs(rest, ['out']);
      const out = options.get('out');
      if (!out) throw new UsageError('keygen needs --out <dir>');
      const { root, created } = keygen(out);
      for (const f of created) io.err(`created ${f}`);
      io.out(`${root.kid}:${root.x}`);
      return 0;
    }
    case 'trust-list': {
      const { options } = parseArgs(rest, ['keys', 'sequence', 'expires-in', 'out', 'dsc']);
      const keys = options.get('keys');
      const sequence = intOption(options, 'sequence');
      if (!keys || sequence === undefined) throw new UsageError('trust-list needs --keys <dir> and --sequence <n>');
      const dscPath = options.get('dsc');
      const dsc = dscPath ? readDscs(dscPath) : undefined;
      const jws = signedTrustList(keys, { sequence, expiresIn: intOption(options, 'expires-in'), dsc });
      const out = options.get('out');
      if (out) writeFileSync(out, jws + '\n');
      else io.out(jws);
      return 0;
    }
    case 'mint': {
      const { options } = parseArgs(rest, MINT_OPTIONS);
      io.out(mintCode(mintOptions(options)));
      return 0;
    }
    case 'scan': {
      const { options } = parseArgs(rest, [...MINT_OPTIONS, 'port']);
      const port = resolve(repoRoot, options.get('port') ?? DEFAULT_PORT);
      const code = mintCode(mintOptions(options, DEFAULT_KEYS));
      if (!existsSync(port)) {
        io.err(`scanner port ${port} does not exist: is \`npm start\` running?`);
        return 1;
      }
      const fd = openSync(port, 'w');
      try {
        writeSync(fd, code + '\r');
      } finally {
        closeSync(fd);
      }
      io.err(`scanned a ${options.get('type') ?? (options.has('health') ? 'health' : options.has('credential-type') ? 'credential' : 'personal')} code into ${port}`);
      return 0;
    }
    default:
      io.err(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
      return 2;
  }
}

/** Runs one issuer command; the exit status: 0 done, 1 failed, 2 usage. */
export async function runIssuer(argv: string[], io: IssuerIo = consoleIo): Promise<number> {
  try {
    return await main(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n${USAGE}`);
      return 2;
    }
    io.err(`issuer: ${(e as Error).message}`);
    return 1;
  }
}
