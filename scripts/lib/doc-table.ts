// Reads the table rows under a `##` or `###` heading of a document, for the tests
// that keep an error catalog and its documentation in step.
import { readFileSync } from 'node:fs';

/** The table rows under the heading `<section>` (whole file when section is null), cells trimmed, code ticks removed from the first. */
export function docTable(file: string, section: string | null): string[][] {
  let text = readFileSync(file, 'utf8');
  if (section !== null) {
    const lines = text.split('\n');
    const start = lines.findIndex((l) => /^#{2,4} /.test(l) && l.replace(/^#+ /, '') === section);
    if (start < 0) throw new Error(`${file} has no section "${section}"`);
    const end = lines.findIndex((l, i) => i > start && /^#{1,4} /.test(l));
    text = lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
  }
  return text
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) =>
      l
        .slice(1, l.endsWith('|') ? -1 : undefined)
        .split(' | ')
        .map((c, i) => (i === 0 ? c.trim().replace(/`/g, '') : c.trim())),
    );
}
