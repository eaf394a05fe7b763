// The files the terminal config schema generates, with their expected content: shared by
// scripts/gen-config-docs.ts and config-schema.test.ts, which keeps them in step.
import { join } from 'node:path';
import { schemaTable as table, schemaToTs } from '../venue/index.ts';
import { configSchema } from './schema.ts';

export const DOC_BEGIN = '<!-- generated from terminal/src/config/schema.ts: begin -->';
export const DOC_END = '<!-- generated from terminal/src/config/schema.ts: end -->';

/** Repo-relative path → content. `read` gives docs/config.md, whose other parts are kept. */
export function generatedFiles(repo: string, read: (path: string) => string): Record<string, string> {
  const doc = read(join(repo, 'docs', 'config.md'));
  const begin = doc.indexOf(DOC_BEGIN);
  const end = doc.indexOf(DOC_END);
  if (begin < 0 || end < begin) throw new Error(`docs/config.md lacks the markers ${DOC_BEGIN} … ${DOC_END}`);
  const sections: string[] = [];
  table(configSchema, configSchema, 'config', sections);
  const ts = schemaToTs(configSchema, { root: 'TerminalConfigFile', script: 'scripts/gen-config-docs.ts', test: 'config-schema.test.ts', filled: true });
  return {
    'terminal/src/config/types.ts': ts,
    'docs/terminal.schema.json': JSON.stringify(configSchema, null, 2) + '\n',
    'docs/config.md': `${doc.slice(0, begin + DOC_BEGIN.length)}\n\n${sections.join('\n')}\n${doc.slice(end)}`,
  };
}
