// A node:test reporter for `npm test`: after the run, the ten test files that took longest (the
// sum of their top-level tests), so whoever keeps the suite under its time budget knows where to
// look. Runs beside the spec reporter and prints nothing else. Plain JavaScript: node loads
// reporters before any --import hook, so a .ts reporter would not load.

/** @param {AsyncIterable<{ type: string, data: { nesting: number, file?: string, details: { duration_ms: number } } }>} source */
export default async function* slowestFiles(source) {
  /** @type {Map<string, number>} */
  const perFile = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { nesting, file, details } = event.data;
    if (nesting !== 0 || !file) continue;
    perFile.set(file, (perFile.get(file) ?? 0) + details.duration_ms);
  }
  if (perFile.size === 0) return;
  const total = [...perFile.values()].reduce((a, b) => a + b, 0);
  const top = [...perFile].sort((a, b) => b[1] - a[1]).slice(0, 10);
  yield `\nslowest test files (of ${(total / 60_000).toFixed(1)} min of tests over ${perFile.size} files):\n`;
  for (const [file, ms] of top) yield `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file.replace(`${process.cwd()}/`, '')}\n`;
}
