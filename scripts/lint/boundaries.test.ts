// The boundary rule fails deliberate violations, one per boundary, through the project's own
// ESLint config (so a rule dropped from eslint.config.js fails here too), and passes the
// imports the house actually uses.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, 'eslint.config.js') });

async function problems(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(`${code}\nexport const x = 1;\n`, { filePath: join(ROOT, file) });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'yss/boundaries').map((m) => m.message);
}

const violations: [string, string, string, RegExp][] = [
  ['codes reaches no I/O', 'terminal/src/codes/lookup.ts', "import { readFileSync } from 'node:fs';\nvoid readFileSync;", /codes\/ is pure: it may not import node:fs/],
  ['codes reaches no database', 'terminal/src/codes/lookup.ts', "import Database from 'better-sqlite3';\nvoid Database;", /may not import better-sqlite3/],
  ['codes reaches no other part', 'terminal/src/codes/lookup.ts', "import type { Queue } from '../queue/index.ts';\nexport type Q = Queue;", /depends on no part but trust/],
  ['codes takes only the in-memory index from trust', 'terminal/src/codes/lookup.ts', "import { TrustStore } from '../trust/index.ts';\nvoid TrustStore;", /only trust's in-memory index.*TrustStore/],
  ['scenarios touch no devices', 'terminal/src/scenarios/policy.ts', "import { createDevice } from '../devices/index.ts';\nvoid createDevice;", /touch no devices/],
  ['scenarios touch no disk', 'terminal/src/scenarios/policy.ts', "import type { Db } from '../db/index.ts';\nexport type D = Db;", /touch no disk/],
  ['scenarios read no files', 'terminal/src/scenarios/policy.ts', "import { readFileSync } from 'node:fs';\nvoid readFileSync;", /may not import node:fs/],
  ['the kiosk imports only the API types', 'kiosk-ui/web/src/screens/new.ts', "import type { Queue } from '../../../../terminal/src/queue/index.ts';\nexport type Q = Queue;", /only the API's types/],
  ['the kiosk imports the API as types only', 'kiosk-ui/web/src/screens/new.ts', "import { type Health } from '../../../../terminal/src/api/messages.ts';\nimport * as m from '../../../../terminal/src/api/messages.ts';\nexport type H = Health;\nvoid m;", /`import type` only/],
  ['the service imports only the wire protocol', 'sync-service/src/new.ts', "import { Queue } from '../../terminal/src/queue/index.ts';\nvoid Queue;", /only the wire protocol/],
  ['a service page takes the service as types only', 'sync-service/admin/src/new.ts', "import { fleetOverview } from '../../src/fleet.ts';\nvoid fleetOverview;", /service's types only/],
  ['a part is imported through its index.ts', 'terminal/src/api/new.ts', "import { Queue } from '../queue/queue.ts';\nvoid Queue;", /import queue\/ through its index.ts/],
  ['only cli.ts loads commands/ file by file', 'terminal/src/daemon/new.ts', "export const load = () => import('../commands/run.ts');", /import commands\/ through its index.ts/],
  ['main.ts too imports parts through their index.ts', 'terminal/src/new-main.ts', "import { Pipeline } from './daemon/pipeline.ts';\nvoid Pipeline;", /import daemon\/ through its index.ts/],
];

for (const [what, file, code, expected] of violations) {
  test(`fails a deliberate violation: ${what}`, async () => {
    const found = await problems(file, code);
    assert.equal(found.length, 1, `one problem expected, got ${JSON.stringify(found)}`);
    assert.match(found[0]!, expected);
  });
}

test('passes the imports the boundaries allow', async () => {
  const allowed: [string, string][] = [
    ['terminal/src/codes/lookup.ts', "import { isRevoked, type TrustIndex } from '../trust/index.ts';\nimport { createHash } from 'node:crypto';\nexport type T = TrustIndex;\nvoid isRevoked; void createHash;"],
    ['terminal/src/scenarios/policy.ts', "import type { Reading } from '../devices/index.ts';\nimport type { VerifyResult } from '../codes/index.ts';\nexport type R = [Reading, VerifyResult];"],
    ['kiosk-ui/web/src/screens/new.ts', "import type { Health } from '../../../../terminal/src/api/messages.ts';\nexport type H = Health;"],
    ['sync-service/src/new.ts', "import { verifyChain } from '../../terminal/src/protocol/index.ts';\nvoid verifyChain;"],
    ['sync-service/admin/src/new.ts', "import type { FleetOverview } from '../../src/fleet.ts';\nexport type O = FleetOverview;"],
    ['terminal/src/api/new.ts', "import { Queue } from '../queue/index.ts';\nimport { ApiServer } from './server.ts';\nvoid Queue; void ApiServer;"],
    // Tests and their helpers may reach further.
    ['terminal/src/codes/lookup.test.ts', "import { TrustStore } from '../trust/store.ts';\nimport { readFileSync } from 'node:fs';\nvoid TrustStore; void readFileSync;"],
  ];
  for (const [file, code] of allowed) assert.deepEqual(await problems(file, code), [], file);
});
