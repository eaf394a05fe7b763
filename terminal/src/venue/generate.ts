// Writes a schema out twice: as TypeScript types and as a reference in docs/config.md. Used for
// the venue schema (types.ts, by scripts/gen-venue-docs.ts; venue-schema.test.ts keeps them in
// step) and the terminal config schema (config/types.ts, by scripts/gen-config-docs.ts). Both are
// generated, never edited. Handles the subset of JSON Schema the two schemas use.

type Schema = Record<string, unknown>;

const pascal = (s: string) => s.replace(/(^|[-_])([a-z])/g, (_, __, c: string) => c.toUpperCase());
const refName = (ref: string) => pascal(ref.replace('#/$defs/', ''));
const quoteKey = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : `'${k}'`);
const literal = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/** `filled`: properties with a `default` are required, as after ajv's useDefaults. */
let filled = false;

function tsType(s: Schema, indent: string): string {
  if (typeof s.$ref === 'string') return refName(s.$ref);
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(' | ');
  if (Array.isArray(s.oneOf)) return (s.oneOf as Schema[]).map((o) => tsType(o, indent)).join(' | ');
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).map((o) => tsType({ ...s, anyOf: undefined, ...o }, indent)).join(' | ');
  if (Array.isArray(s.type)) return (s.type as string[]).map((t) => (t === 'null' ? 'null' : tsType({ ...s, type: t }, indent))).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = tsType(s.items as Schema, indent);
      return /[|{]/.test(item) ? `readonly (${item})[]` : `readonly ${item}[]`;
    }
    case 'object':
      return tsObject(s, indent);
    default:
      return 'unknown';
  }
}

function tsObject(s: Schema, indent: string): string {
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set((s.required ?? []) as string[]);
  if (!Object.keys(props).length) {
    const values = typeof s.additionalProperties === 'object' ? tsType(s.additionalProperties as Schema, indent) : 'unknown';
    const keys = s.propertyNames ? tsType(s.propertyNames as Schema, indent) : 'string';
    return keys === 'string' ? `{ readonly [key: string]: ${values} }` : `{ readonly [K in ${keys}]?: ${values} }`;
  }
  const inner = `${indent}  `;
  const lines = Object.entries(props).map(([k, p]) => {
    const dflt = p.default !== undefined ? p.default : p['x-default'];
    const doc = typeof p.description === 'string' ? `${inner}/** ${p.description}${dflt !== undefined ? ` Default: \`${JSON.stringify(dflt)}\`.` : ''} */\n` : '';
    const present = required.has(k) || (filled && p.default !== undefined);
    return `${doc}${inner}readonly ${quoteKey(k)}${present ? '' : '?'}: ${tsType(p, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

export interface TsOptions {
  /** The root type's name. */
  root: string;
  /** The script that writes the file, and the test that checks it. */
  script: string;
  test: string;
  /** Properties with a default are present (the loader fills them in). */
  filled?: boolean;
}

const VENUE_TS: TsOptions = { root: 'Venue', script: 'scripts/gen-venue-docs.ts', test: 'venue-schema.test.ts' };

/** types.ts from the schema: one exported type per `$defs` entry and `options.root` for the root. */
export function schemaToTs(schema: Schema, options: TsOptions = VENUE_TS): string {
  const defs = (schema.$defs ?? {}) as Record<string, Schema>;
  const out = [
    `// Generated from schema.ts by \`npx tsx ${options.script}\`; do not edit.`,
    `// ${options.test} fails when this file and the schema differ.`,
    '',
  ];
  filled = options.filled ?? false;
  try {
    for (const [name, def] of Object.entries(defs)) {
      if (typeof def.description === 'string') out.push(`/** ${def.description} */`);
      out.push(`export type ${pascal(name)} = ${tsType(def, '')};`, '');
    }
    out.push(`/** ${String(schema.description)} */`, `export type ${options.root} = ${tsObject(schema, '')};`, '');
  } finally {
    filled = false;
  }
  return out.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (v: unknown) => `\`${JSON.stringify(v)}\``;

function defaultOrExample(p: Schema, required: boolean, below: string): [string, string] {
  const given = p.default !== undefined ? p.default : p['x-default'];
  const dflt = given !== undefined ? code(given) : required ? 'required' : '—';
  // A section defaulting to {} is shown by its own table, not by `{}`.
  const example = ((p.examples ?? []) as unknown[])[0] ?? p.const ?? (p.properties ? undefined : given);
  return [dflt, example !== undefined ? code(example) : `see \`${below}\``];
}

function resolve(schema: Schema, p: Schema): Schema {
  if (typeof p.$ref !== 'string') return p;
  const def = ((schema.$defs ?? {}) as Record<string, Schema>)[p.$ref.replace('#/$defs/', '')];
  if (!def) throw new Error(`${p.$ref} is not in the schema's $defs`);
  return { ...def, ...p, $ref: undefined, description: p.description ?? def.description };
}

/** One reference table for `obj` at `path`, then one per nested object, into `sections`. */
export function table(schema: Schema, obj: Schema, path: string, sections: string[]): void {
  const props = (obj.properties ?? {}) as Record<string, Schema>;
  const required = new Set((obj.required ?? []) as string[]);
  const rows = ['| option | meaning | default | example |', '|---|---|---|---|'];
  const nested: [string, Schema][] = [];
  for (const [k, raw] of Object.entries(props)) {
    const p = resolve(schema, raw);
    const [dflt, example] = defaultOrExample(p, required.has(k), p.type === 'array' ? `${path}.${k}[]` : `${path}.${k}`);
    let type = '';
    if (Array.isArray(p.enum)) type = ` One of ${(p.enum as unknown[]).map((e) => `\`${String(e)}\``).join(', ')}.`;
    const item = p.type === 'array' ? resolve(schema, p.items as Schema) : null;
    if (item && Array.isArray(item.enum) && (item.enum as unknown[]).length <= 20) type = ` Items: ${(item.enum as unknown[]).map((e) => `\`${String(e)}\``).join(', ')}.`;
    rows.push(`| \`${k}\` | ${cell(String(p.description ?? ''))}${type} | ${dflt} | ${example ? cell(example) : ''} |`);
    const object = p.type === 'object' || (Array.isArray(p.type) && p.type.includes('object'));
    if (object && p.properties && raw.$ref !== '#/$defs/localized') nested.push([`${path}.${k}`, p]);
    if (item && item.type === 'object' && item.properties) nested.push([`${path}.${k}[]`, item]);
    // An array of a union told apart by a tag (a config's devices by kind): one table per variant.
    const tag = item && item.discriminator ? (item.discriminator as { propertyName: string }).propertyName : null;
    if (item && tag) {
      for (const v of (item.oneOf ?? []) as Schema[]) {
        const variant = resolve(schema, v);
        const tagged = ((variant.properties ?? {}) as Record<string, Schema>)[tag];
        nested.push([`${path}.${k}[] (${tag}: ${String(tagged?.const)})`, variant]);
      }
    }
  }
  sections.push(`### \`${path}\``, '', String(obj.description ?? ''), '', ...rows, '');
  for (const [p, s] of nested) table(schema, s, p, sections);
}

/** The venue reference section of docs/config.md. */
export function schemaToMarkdown(schema: Schema): string {
  const sections: string[] = [];
  table(schema, schema, 'venue', sections);
  const defs = (schema.$defs ?? {}) as Record<string, Schema>;
  const reasons = (defs.reason?.enum ?? []) as string[];
  const attributes = (defs.attribute?.enum ?? []) as string[];
  return [
    ...sections,
    '### Attributes',
    '',
    'Attribute names in `require.attributes`, `record.fields` and the policy, whatever the input: ' + attributes.map((a) => `\`${a}\``).join(', ') + '.',
    '',
    '### Reasons a `refusals` entry may name',
    '',
    reasons.map((r) => `\`${r}\``).join(', ') + '.',
    '',
  ].join('\n');
}
