// `npx tsx scripts/gen-config-docs.ts`: rewrites what the terminal config schema generates: the
// TypeScript types (terminal/src/config/types.ts), the schema as JSON for editors
// (docs/terminal.schema.json) and the terminal config reference in docs/config.md. Run it after
// changing terminal/src/config/schema.ts; config-schema.test.ts fails until it is run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from '../terminal/src/config/generated-files.ts';

const repo = join(import.meta.dirname, '..');
for (const [path, text] of Object.entries(generatedFiles(repo, (p) => readFileSync(p, 'utf8')))) {
  writeFileSync(join(repo, path), text);
  console.log(`wrote ${path}`);
}
