import { CborFloat } from '../../terminal/src/codes/index.ts';
// DCC payload comparison as the data set's README asks: order-insensitive, and date-times
// compared as instants (one member state writes `…T10:00:00Z`, another `…T10:00:00.000+00:00`).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function dccEqual(a: unknown, b: unknown): boolean {
  if (a instanceof CborFloat) return dccEqual(a.value, b);
  if (a instanceof Map) return dccEqual(Object.fromEntries([...a].map(([k, v]) => [String(k), v])), b);
  if (b instanceof Map) return dccEqual(a, Object.fromEntries([...b].map(([k, v]) => [String(k), v])));
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return true;
    if (DATE_TIME.test(a) && DATE_TIME.test(b)) return Date.parse(a) === Date.parse(b);
    return false;
  }
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => dccEqual(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && dccEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}
