import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes each fixture as `<dir>/<name>.json`, or with check=true returns the names whose file differs. */
export function writeJsonFixtures(dir: string, fixtures: Record<string, unknown>, check = false): string[] {
  mkdirSync(dir, { recursive: true });
  const stale: string[] = [];
  for (const [name, f] of Object.entries(fixtures)) {
    const file = join(dir, `${name}.json`);
    const text = `${JSON.stringify(f, null, 2)}\n`;
    if (check) {
      if (!existsSync(file) || readFileSync(file, 'utf8') !== text) stale.push(name);
    } else writeFileSync(file, text);
  }
  return stale;
}
