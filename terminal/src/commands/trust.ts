// `terminal trust install --data <dir> --root <kid>:<x> <jws-file>`: installs a trust list into a
// terminal's data folder (the USB-stick path of trust-list.md §4). Exit 0 installed or already
// installed, 1 refused with the reason, 2 usage.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/index.ts';
import { glueValues } from './args.ts';
import { processIo, type CommandIo } from './io.ts';
import { parseRootArg, TrustedClock, TrustStore, type RootKey } from '../trust/index.ts';

const USAGE = 'usage: terminal trust install --data <dir> --root <kid>:<x> [--root ...] <jws-file>';

export async function main(args: string[], io: CommandIo = processIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'install') {
    io.err(`${sub ? `unknown trust command "${sub}"` : 'missing trust command'}\n${USAGE}\n`);
    return 2;
  }
  let data: string | undefined;
  let roots: RootKey[];
  let file: string;
  try {
    const { values, positionals } = parseArgs({
      args: glueValues(rest, ['data', 'root']),
      allowPositionals: true,
      options: { data: { type: 'string' }, root: { type: 'string', multiple: true } },
    });
    data = values.data;
    if (!data) throw new Error('missing --data <dir>');
    if (!values.root?.length) throw new Error('missing --root <kid>:<x>');
    roots = values.root.map(parseRootArg);
    if (positionals.length !== 1) throw new Error('give exactly one <jws-file>');
    file = positionals[0]!;
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let jws: string;
  try {
    jws = readFileSync(file, 'utf8').trim();
  } catch (e) {
    io.err(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const db = openDatabase(data);
  try {
    // The daemon's clock on the same database: a list just installed is never older than now.
    const clock = TrustedClock.open(db);
    const store = TrustStore.open(db, roots, { clock });
    const r = store.install(jws);
    const health = store.health(clock.now());
    await io.out(`${JSON.stringify({ status: r.status, reason: r.reason ?? null, sequence: r.sequence, stale: health.stale })}\n`);
    if (r.status === 'refused') {
      io.err(`trust list refused (${r.reason}): ${r.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    db.close();
  }
}
