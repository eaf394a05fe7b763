// The files the venue schema generates, with their expected content: shared by the generator
// script and the test that keeps them in step.
import { join } from 'node:path';
import { schemaToMarkdown, schemaToTs } from './generate.ts';
import { venueSchema } from './schema.ts';

export const DOC_BEGIN = '<!-- generated from terminal/src/venue/schema.ts: begin -->';
export const DOC_END = '<!-- generated from terminal/src/venue/schema.ts: end -->';

/** Repo-relative path → content. `read` gives docs/config.md, whose hand-written parts are kept. */
export function generatedFiles(repo: string, read: (path: string) => string): Record<string, string> {
  const doc = read(join(repo, 'docs', 'config.md'));
  const begin = doc.indexOf(DOC_BEGIN);
  const end = doc.indexOf(DOC_END);
  if (begin < 0 || end < begin) throw new Error(`docs/config.md lacks the markers ${DOC_BEGIN} … ${DOC_END}`);
  const json = JSON.stringify(venueSchema, null, 2) + '\n';
  return {
    'terminal/src/venue/types.ts': schemaToTs(venueSchema),
    'docs/venue.schema.json': json,
    'docs/config.md': `${doc.slice(0, begin + DOC_BEGIN.length)}\n\n${schemaToMarkdown(venueSchema)}\n${doc.slice(end)}`,
  };
}
