// The demo issuer and the terminal's verify / trust commands, end to end. Each case calls the
// command in-process as its process would (runIssuer, the terminal command's main), with buffers
// for its stdout and stderr: the same argument parsing, output and exit status, without a node
// start per case. Real processes (through entryArgs: the suite's bundles, or tsx) answer what only
// a process shows: `verify -` reading its stdin, and the last test, a table of commands whose
// processes must answer byte for byte as the in-process calls, with the exit status expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryArgs } from '../lib/entry.ts';
import { runIssuer } from './run.ts';
import { main as trustMain } from '../../terminal/src/commands/trust.ts';
import { main as verifyMain } from '../../terminal/src/commands/verify.ts';
import { tempDir } from '../lib/temp-dir.ts';

const repo = join(import.meta.dirname, '..', '..');

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A real process: `node` on the script's bundle or through tsx, `input` on its stdin. */
function spawned(script: string, args: string[], input?: string): Promise<Ran> {
  const child = spawn(process.execPath, [...entryArgs(script), ...args], { cwd: repo, stdio: 'pipe' });
  const r = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (d: string) => (r.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (r.stderr += d));
  child.stdin.on('error', () => undefined); // a process that exits without reading its stdin
  child.stdin.end(input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, ...r }));
  });
}
const issuerProcess = (...args: string[]) => spawned('scripts/issuer/cli.ts', args);
const terminalProcess = (args: string[], input?: string) => spawned('terminal/src/cli.ts', args, input);

/** `issuer <args>` in-process: console.log's and console.error's lines into buffers. */
async function issuer(...args: string[]): Promise<Ran> {
  const r = { stdout: '', stderr: '' };
  const status = await runIssuer(args, { out: (l) => void (r.stdout += `${l}\n`), err: (l) => void (r.stderr += `${l}\n`) });
  return { status, ...r };
}

/** `terminal verify|trust <args>` in-process, `input` as its stdin. */
async function terminal(args: string[], input?: string): Promise<Ran> {
  const r = { stdout: '', stderr: '' };
  const [name, ...rest] = args;
  const main = name === 'verify' ? verifyMain : name === 'trust' ? trustMain : null;
  assert.ok(main, `an in-process command, not ${name}`);
  const status = await main(rest, {
    out: async (text) => void (r.stdout += text),
    err: (text) => void (r.stderr += text),
    input: async function* () {
      if (input) yield Buffer.from(input);
    },
  });
  return { status, ...r };
}

const dir = tempDir('yss-issuer-');
const keys = join(dir, 'keys');
const list = join(dir, 'list.jws');
let root = '';

test('keygen creates the root and the Guangdong, Beijing, Jiangxi and Macau keys once and prints the root to pin', async () => {
  const first = await issuer('keygen', '--out', keys);
  assert.equal(first.status, 0, first.stderr);
  root = first.stdout.trim();
  assert.match(root, /^[A-Za-z0-9_-]{11}:[A-Za-z0-9_-]{43}$/);
  const key = JSON.parse(readFileSync(join(keys, 'issuer-CN-44.json'), 'utf8'));
  assert.equal(Buffer.from(key.kid, 'base64url').length, 8);
  assert.equal(key.alg, 'EdDSA');
  for (const id of ['CN-11', 'CN-36', 'MO']) assert.equal(JSON.parse(readFileSync(join(keys, `issuer-${id}.json`), 'utf8')).issuer, id);
  const again = await issuer('keygen', '--out', keys);
  assert.equal(again.stdout.trim(), root, 'existing keys are kept');
});

test('trust-list signs a list that verify accepts, and mint makes a code it finds valid', async () => {
  assert.equal((await issuer('trust-list', '--keys', keys, '--sequence', '4', '--out', list)).status, 0);
  const payload = JSON.parse(Buffer.from(readFileSync(list, 'utf8').split('.')[1]!, 'base64url').toString());
  const byId = new Map((payload.issuers as { id: string; types: string[]; names: Record<string, string> }[]).map((i) => [i.id, i]));
  assert.deepEqual([...byId.keys()].sort(), ['CN-11', 'CN-36', 'CN-44', 'MO']);
  assert.deepEqual(byId.get('CN-44')!.types, ['personal', 'health', 'credential']);
  assert.equal(byId.get('CN-44')!.names['zh-HK'], '廣東省政務服務數據管理局');
  assert.deepEqual(byId.get('MO')!.types, ['health']);
  const code = (await issuer('mint', '--keys', keys, '--name', '张小明', '--scope', 'hotel-checkin,gate')).stdout.trim();
  assert.match(code, /^YSS1:/);
  const r = await terminal(['verify', '--trust-list', list, '--root', root, code]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual([out.valid, out.reason, out.family, out.issuer, out.type], [true, null, 'YSS1', 'CN-44', 'personal']);
  assert.deepEqual(out.claims.yss.subject, { name: '张小明', name_masked: '张*明' });
  assert.deepEqual(out.claims.yss.scope, ['hotel-checkin', 'gate']);
  assert.equal(out.claims.exp - out.claims.iat, 60);
});

test('mint discloses every subject attribute of codes.md §4 that is asked for', async () => {
  const code = (await issuer(
    'mint', '--keys', keys, '--name', '陈大文', '--doc-type', 'CN-HMTRP', '--doc-no', '830000199001011234',
    '--birth-date', '1990-01-01', '--sex', 'F', '--nationality', 'HKG', '--scope', 'hotel-checkin',
  )).stdout.trim();
  const out = JSON.parse((await terminal(['verify', '--trust-list', list, '--root', root, code])).stdout);
  assert.equal(out.valid, true);
  assert.deepEqual(out.claims.yss.subject, {
    name: '陈大文', name_masked: '陈*文', doc_type: 'CN-HMTRP', doc_no: '830000199001011234', birth_date: '1990-01-01', sex: 'F', nationality: 'HKG',
  });
});

test('mint makes a credential with its type, number, holder, issuer name and validity', async () => {
  const code = (await issuer(
    'mint', '--keys', keys, '--credential-type', 'driver-license', '--credential-no', '4401**********1234', '--holder', '张小明',
    '--valid-from', '2014-03-01', '--valid-until', '2020-03-01', '--issuer-name', '广州市公安局交通警察支队',
  )).stdout.trim();
  const out = JSON.parse((await terminal(['verify', '--trust-list', list, '--root', root, code])).stdout);
  assert.deepEqual([out.valid, out.type], [true, 'credential']);
  assert.deepEqual(out.claims.yss.credential, {
    type: 'driver-license', no: '4401**********1234', holder: '张小明', valid_from: '2014-03-01', valid_until: '2020-03-01', issuer_name: '广州市公安局交通警察支队',
  });
});

test('mint --health none makes a health code without a status, and --health-as-of dates one', async () => {
  const at = Math.floor(Date.now() / 1000);
  const none = JSON.parse((await terminal(['verify', '--trust-list', list, '--root', root, (await issuer('mint', '--keys', keys, '--health', 'none', '--at', String(at))).stdout.trim()])).stdout);
  assert.deepEqual([none.valid, none.type], [true, 'health']);
  assert.deepEqual(none.claims.yss.health, { as_of: at });
  const old = JSON.parse((await terminal(['verify', '--trust-list', list, '--root', root, (await issuer('mint', '--keys', keys, '--health', 'green', '--health-as-of', String(at - 90_000))).stdout.trim()])).stdout);
  assert.deepEqual(old.claims.yss.health, { status: 'green', as_of: at - 90_000 });
});

test('mint signs as Beijing, Jiangxi and Macau, and Macau only health codes', async () => {
  for (const iss of ['CN-11', 'CN-36', 'MO']) {
    const code = (await issuer('mint', '--keys', keys, '--issuer', iss, '--health', 'green')).stdout.trim();
    const out = JSON.parse((await terminal(['verify', '--trust-list', list, '--root', root, code])).stdout);
    assert.deepEqual([out.valid, out.issuer, out.type], [true, iss, 'health']);
  }
  const personal = JSON.parse((await terminal(['verify', '--trust-list', list, '--root', root, (await issuer('mint', '--keys', keys, '--issuer', 'MO')).stdout.trim()])).stdout);
  assert.equal(personal.reason, 'type_not_allowed');
  assert.equal(JSON.parse((await terminal(['verify', '--trust-list', list, '--root', root, (await issuer('mint', '--keys', keys, '--issuer', 'CN-11')).stdout.trim()])).stdout).issuer, 'CN-11');
});

test('mint refuses malformed subject and credential values with what it expected', async () => {
  const cases: [string[], RegExp][] = [
    [['--doc-type', 'ID'], /--doc-type should be one of CN-RIC, CN-FPRIC, CN-HMTRP, PASSPORT, MO-RIC, got "ID"/],
    [['--birth-date', '1990-13-45'], /--birth-date should be a date YYYY-MM-DD/],
    [['--sex', 'X'], /--sex should be M or F/],
    [['--nationality', 'cn'], /--nationality should be an ISO 3166 alpha-3 code/],
    [['--health', 'blue'], /--health should be green, yellow, red or none/],
    [['--valid-until', '2030-01-01'], /credential fields need --credential-type/],
  ];
  for (const [args, message] of cases) {
    const r = await issuer('mint', '--keys', keys, ...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
});

test('verify pins time with --at and reports expiry', async () => {
  // From the clock, never a fixed date: keygen made the keys valid from a day before it ran.
  const at = Math.floor(Date.now() / 1000);
  const code = (await issuer('mint', '--keys', keys, '--at', String(at))).stdout.trim();
  assert.equal(JSON.parse((await terminal(['verify', '--trust-list', list, '--root', root, '--at', String(at + 30), code])).stdout).valid, true);
  const late = await terminal(['verify', '--trust-list', list, '--root', root, '--at', String(at + 500), code]);
  assert.equal(late.status, 1);
  assert.equal(JSON.parse(late.stdout).reason, 'expired');
});

test('verify reads one code per line from stdin and answers one JSON line each', async () => {
  const good = (await issuer('mint', '--keys', keys, '--type', 'health', '--health', 'green')).stdout.trim();
  // The process's own stdin, a pipe: what only a process shows.
  const r = await terminalProcess(['verify', '--trust-list', list, '--root', root, '-'], `${good}\r\n\nHC1:ABC\nnot a code\n${good}\n`);
  assert.deepEqual(await terminal(['verify', '--trust-list', list, '--root', root, '-'], `${good}\r\n\nHC1:ABC\nnot a code\n${good}\n`), r, 'in-process from the same input');
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => l.reason),
    [null, 'malformed', 'malformed', 'malformed', null],
  );
  assert.deepEqual(lines.map((l) => l.family), ['YSS1', null, 'HC1', null, 'YSS1']);
  assert.equal(lines[0].claims.yss.health.status, 'green');
  assert.equal(r.status, 1);
});

test('verify applies a venue file after the verifier', async () => {
  const venue = join(repo, 'fixtures', 'venues', 'health-checkpoint.json');
  const yellow = (await issuer('mint', '--keys', keys, '--health', 'yellow')).stdout.trim();
  const r = await terminal(['verify', '--trust-list', list, '--root', root, '--venue', venue, yellow]);
  assert.equal(JSON.parse(r.stdout).reason, 'health_status');
  assert.equal(r.status, 1);
  const none = (await issuer('mint', '--keys', keys, '--health', 'none')).stdout.trim();
  assert.equal(JSON.parse((await terminal(['verify', '--trust-list', list, '--root', root, '--venue', venue, none])).stdout).reason, 'health_status_unknown');
  const bad = await terminal(['verify', '--trust-list', list, '--root', root, '--venue', join(repo, 'README.md'), none]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /not valid JSON/);
});

test('verify answers unknown_key with a reason on stderr when the list does not verify', async () => {
  const other = (await issuer('keygen', '--out', join(dir, 'other'))).stdout.trim();
  const code = (await issuer('mint', '--keys', keys)).stdout.trim();
  const r = await terminal(['verify', '--trust-list', list, '--root', other, code]);
  assert.equal(JSON.parse(r.stdout).reason, 'unknown_key');
  assert.match(r.stderr, /not pinned/);
  assert.equal(r.status, 1);
});

test('verify exits 2 on usage errors', async () => {
  assert.equal((await terminal(['verify', '--root', root, 'x'])).status, 2);
  assert.equal((await terminal(['verify', '--trust-list', list, '--root', 'bad', 'x'])).status, 2);
  assert.equal((await terminal(['verify', '--trust-list', list, '--root', root, '--at', 'noon', 'x'])).status, 2);
  assert.equal((await terminal(['verify', '--trust-list', join(dir, 'missing'), '--root', root, 'x'])).status, 2);
});

test('trust install installs, accepts the same list again, and refuses a rollback', async () => {
  const data = join(dir, 'terminal');
  const first = await terminal(['trust', 'install', '--data', data, '--root', root, list]);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).status, 'installed');
  assert.ok(existsSync(join(data, 'terminal.db')));
  assert.equal(JSON.parse((await terminal(['trust', 'install', '--data', data, '--root', root, list])).stdout).status, 'already_installed');
  const older = join(dir, 'older.jws');
  await issuer('trust-list', '--keys', keys, '--sequence', '3', '--out', older);
  const r = await terminal(['trust', 'install', '--data', data, '--root', root, older]);
  assert.equal(r.status, 1);
  assert.equal(JSON.parse(r.stdout).reason, 'rollback');
  assert.match(r.stderr, /rollback/);
});

test('trust install refuses a tampered list as bad_signature', async () => {
  const [h, p, s] = readFileSync(list, 'utf8').trim().split('.');
  const doc = JSON.parse(Buffer.from(p!, 'base64url').toString());
  doc.sequence = 99;
  const forged = join(dir, 'forged.jws');
  writeFileSync(forged, `${h}.${Buffer.from(JSON.stringify(doc)).toString('base64url')}.${s}`);
  const r = await terminal(['trust', 'install', '--data', join(dir, 'terminal2'), '--root', root, forged]);
  assert.equal(r.status, 1);
  assert.equal(JSON.parse(r.stdout).reason, 'bad_signature');
});

test('scan writes the code and a carriage return into the scanner port', async () => {
  const port = join(dir, 'port');
  writeFileSync(port, '');
  const r = await issuer('scan', '--keys', keys, '--port', port, '--type', 'credential');
  assert.equal(r.status, 0, r.stderr);
  const written = readFileSync(port, 'utf8');
  assert.match(written, /^YSS1:[0-9A-Z $%*+\-./:]+\r$/);
});

test('scan explains a missing port', async () => {
  const r = await issuer('scan', '--keys', keys, '--port', join(dir, 'nope'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is `npm start` running\?/);
});

test('trust-list --dsc lists DCC signer certificates as an hcert issuer that verifies HC1 codes', async () => {
  const vectors = join(repo, '..', 'shared', 'dcc-testdata', 'common', '2DCode', 'raw');
  if (!existsSync(vectors)) return;
  const co3 = JSON.parse(readFileSync(join(vectors, 'CO3.json'), 'utf8'));
  const certFile = join(dir, 'dsc.b64');
  writeFileSync(certFile, co3.TESTCTX.CERTIFICATE);
  const withDsc = join(dir, 'dsc.jws');
  assert.equal((await issuer('trust-list', '--keys', keys, '--sequence', '5', '--dsc', certFile, '--out', withDsc)).status, 0);
  const at = String(Math.floor(Date.parse(co3.TESTCTX.VALIDATIONCLOCK) / 1000));
  const r = await terminal(['verify', '--trust-list', withDsc, '--root', root, '--at', at, co3.PREFIX]);
  const out = JSON.parse(r.stdout);
  // The issuer is the list's holder of the DSC; the code's iss is only the country it claims.
  assert.deepEqual([out.valid, out.family, out.type, out.issuer, out.claimed_issuer], [true, 'HC1', 'hcert', 'DCC', 'AT']);
});

test('the processes answer as the in-process calls do: the same stdout, stderr and exit status', async () => {
  // Two data folders: the processes run at once, and each install holds its database.
  const data = join(dir, 'terminal-processes');
  const data2 = join(dir, 'terminal-processes-2');
  for (const d of [data, data2]) assert.equal((await terminal(['trust', 'install', '--data', d, '--root', root, list])).status, 0);
  const older = join(dir, 'older-processes.jws');
  assert.equal((await issuer('trust-list', '--keys', keys, '--sequence', '3', '--out', older)).status, 0);
  const at = Math.floor(Date.now() / 1000);
  const code = (await issuer('mint', '--keys', keys, '--at', String(at))).stdout.trim();
  const yellow = (await issuer('mint', '--keys', keys, '--health', 'yellow', '--at', String(at))).stdout.trim();
  const other = (await issuer('keygen', '--out', join(dir, 'other-processes'))).stdout.trim();
  const verify = ['verify', '--trust-list', list, '--root', root];
  const cases: { issuer?: string[]; terminal?: string[]; status: number }[] = [
    { issuer: ['keygen', '--out', keys], status: 0 },
    { issuer: ['mint', '--keys', keys, '--sex', 'X'], status: 2 },
    { issuer: ['mint', '--keys', join(dir, 'no-keys')], status: 1 },
    { issuer: ['sign'], status: 2 },
    { issuer: ['scan', '--keys', keys, '--port', join(dir, 'nope')], status: 1 },
    { terminal: [...verify, '--at', String(at + 30), code], status: 0 },
    { terminal: [...verify, '--at', String(at + 500), code], status: 1 },
    { terminal: [...verify, '--at', String(at + 30), '--venue', join(repo, 'fixtures', 'venues', 'health-checkpoint.json'), yellow], status: 1 },
    { terminal: ['verify', '--trust-list', list, '--root', other, code], status: 1 },
    { terminal: ['verify', '--trust-list', list, '--root', root, '--at', 'noon', 'x'], status: 2 },
    { terminal: [...verify, '--venue', join(repo, 'README.md'), code], status: 2 },
    { terminal: ['trust', 'install', '--data', data, '--root', root, list], status: 0 },
    { terminal: ['trust', 'install', '--data', data2, '--root', root, older], status: 1 },
    { terminal: ['trust', 'remove'], status: 2 },
  ];
  // The processes start together: a node start each, overlapping.
  const processes = await Promise.all(cases.map((c) => (c.issuer ? issuerProcess(...c.issuer) : terminalProcess(c.terminal!))));
  for (const [i, c] of cases.entries()) {
    const inProcess = c.issuer ? await issuer(...c.issuer) : await terminal(c.terminal!);
    const what = (c.issuer ? ['issuer', ...c.issuer] : ['terminal', ...c.terminal!]).join(' ');
    assert.deepEqual(processes[i], inProcess, what);
    assert.equal(processes[i]!.status, c.status, `${what}: ${processes[i]!.stderr}`);
    assert.notEqual(processes[i]!.stdout + processes[i]!.stderr, '', `${what} says something`);
  }
  // A code minted by the issuer's process is one the terminal's process finds valid.
  const minted = await issuerProcess('mint', '--keys', keys, '--name', '张小明');
  assert.equal(minted.status, 0, minted.stderr);
  const checked = await terminalProcess([...verify, minted.stdout.trim()]);
  assert.deepEqual([checked.status, JSON.parse(checked.stdout).claims.yss.subject.name_masked], [0, '张*明'], checked.stderr);
});
