// `npx tsx scripts/gen-venue-docs.ts`: rewrites what the venue schema generates, the TypeScript
// types (terminal/src/venue/types.ts), the schema as JSON for editors (docs/venue.schema.json)
// and the reference section of docs/config.md. Run it after changing terminal/src/venue/schema.ts;
// terminal/src/venue/venue-schema.test.ts fails until it is run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from '../terminal/src/venue/generated-files.ts';

const repo = join(import.meta.dirname, '..');
for (const [path, text] of Object.entries(generatedFiles(repo, (p) => readFileSync(p, 'utf8')))) {
  writeFileSync(join(repo, path), text);
  console.log(`wrote ${path}`);
}
