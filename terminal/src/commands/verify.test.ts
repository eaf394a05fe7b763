// `terminal verify` as a real process (issue 9 §3): every input line gets exactly one verdict,
// a crash on one code does not swallow the batch, and a huge line costs neither quadratic time
// nor memory proportional to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ALG_EDDSA, buildCoseSign1, cborEncode, encodeCodeText, yssClaims } from '../codes/index.ts';
import { makeWorld, NOW, yssCode } from '../codes/test/helpers.ts';
import { entryArgs } from '../../../scripts/lib/entry.ts';
import { tempDir } from '../../../scripts/lib/temp-dir.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const w = makeWorld();
const dir = tempDir('yss-verify-');
const list = join(dir, 'list.jws');
writeFileSync(list, w.jws);
const base = ['--trust-list', list, '--root', `${w.root.root.kid}:${w.root.root.x}`, '--at', String(NOW)];

function verify(args: string[], input?: string | Buffer, node: string[] = []) {
  const r = spawnSync(process.execPath, [...node, ...entryArgs('terminal/src/cli.ts'), 'verify', ...base, ...args], {
    cwd: repo,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, lines: r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>), stderr: r.stderr };
}

/** The reviewer's crash: unsigned, aud nested 3000 arrays deep. */
function deepAud(): string {
  const claims = yssClaims({ iss: 'CN-44', sub: 'u-1', type: 'personal', iat: NOW - 10, exp: NOW + 50, cti: randomBytes(16) });
  const payload = Buffer.concat([Buffer.from(cborEncode(claims)), Buffer.from([...new Array(3000).fill(0x81), 0x01])]);
  payload[0]! += 1; // one more entry in the map: label 3 (aud) follows
  const withAud = Buffer.concat([payload.subarray(0, payload.length - 3001), Buffer.from([0x03]), payload.subarray(payload.length - 3001)]);
  return encodeCodeText('YSS1', buildCoseSign1({ protectedHeader: new Map<number, unknown>([[1, ALG_EDDSA], [4, w.gd.kid]]), payload: withAud, sign: () => randomBytes(64) }));
}

test('prints one verdict for a code whose claims nest 3000 deep, alone and inside a batch', () => {
  const deep = deepAud();
  const one = verify([deep]);
  assert.equal(one.status, 1, one.stderr);
  assert.deepEqual([one.lines.length, one.lines[0]!.reason], [1, 'malformed']);
  const batch = verify(['-'], `${yssCode(w)}\n${deep}\n${yssCode(w)}\n`);
  assert.deepEqual(
    batch.lines.map((l) => l.reason),
    [null, 'malformed', null],
    batch.stderr,
  );
});

test('reads a 64 MiB line in bounded memory and still answers every line', () => {
  const huge = Buffer.alloc(64 * 1024 * 1024, 0x30);
  const input = Buffer.concat([Buffer.from('HC1:'), huge, Buffer.from(`\n${yssCode(w)}\r\n\n`)]);
  // A heap far smaller than the line: reading it whole would run out of memory.
  const r = verify(['-'], input, ['--max-old-space-size=32']);
  assert.deepEqual(
    r.lines.map((l) => [l.family, l.reason]),
    [
      ['HC1', 'malformed'],
      ['YSS1', null],
      [null, 'malformed'],
    ],
    r.stderr.slice(0, 2000),
  );
});

test('prints the key issuer and the claimed issuer apart', () => {
  const r = verify([yssCode(w)]);
  assert.deepEqual([r.lines[0]!.issuer, r.lines[0]!.claimed_issuer], ['CN-44', 'CN-44']);
});
