// Writes the venue schema out twice: as TypeScript types (types.ts) and as the reference in
// docs/config.md. Both are generated, never edited: scripts/gen-venue-docs.ts rewrites them and
// venue-schema.test.ts fails when either differs from what the schema gives. Handles the subset
// of JSON Schema that schema.ts uses.

type Schema = Record<string, unknown>;

const pascal = (s: string) => s.replace(/(^|[-_])([a-z])/g, (_, __, c: string) => c.toUpperCase());
const refName = (ref: string) => pascal(ref.replace('#/$defs/', ''));
const quoteKey = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : `'${k}'`);
const literal = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

function tsType(s: Schema, indent: string): string {
  if (typeof s.$ref === 'string') return refName(s.$ref);
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(' | ');
  if (Array.isArray(s.oneOf)) return (s.oneOf as Schema[]).map((o) => tsType(o, indent)).join(' | ');
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
    const doc = typeof p.description === 'string' ? `${inner}/** ${p.description}${p.default !== undefined ? ` Default: \`${JSON.stringify(p.default)}\`.` : ''} */\n` : '';
    return `${doc}${inner}readonly ${quoteKey(k)}${required.has(k) ? '' : '?'}: ${tsType(p, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** types.ts from the schema: one exported type per `$defs` entry and `Venue` for the root. */
export function schemaToTs(schema: Schema): string {
  const defs = (schema.$defs ?? {}) as Record<string, Schema>;
  const out = [
    '// Generated from schema.ts by `npx tsx scripts/gen-venue-docs.ts`; do not edit.',
    '// venue-schema.test.ts fails when this file and the schema differ.',
    '',
  ];
  for (const [name, def] of Object.entries(defs)) {
    if (typeof def.description === 'string') out.push(`/** ${def.description} */`);
    out.push(`export type ${pascal(name)} = ${tsType(def, '')};`, '');
  }
  out.push(`/** ${String(schema.description)} */`, `export type Venue = ${tsObject(schema, '')};`, '');
  return out.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (v: unknown) => `\`${JSON.stringify(v)}\``;

function defaultOrExample(p: Schema, required: boolean, below: string): [string, string] {
  const dflt = p.default !== undefined ? code(p.default) : required ? 'required' : '—';
  const example = ((p.examples ?? []) as unknown[])[0] ?? p.const ?? p.default;
  return [dflt, example !== undefined ? code(example) : `see \`${below}\``];
}

function resolve(schema: Schema, p: Schema): Schema {
  if (typeof p.$ref !== 'string') return p;
  const def = ((schema.$defs ?? {}) as Record<string, Schema>)[p.$ref.replace('#/$defs/', '')]!;
  return { ...def, ...p, $ref: undefined, description: p.description ?? def.description };
}

function table(schema: Schema, obj: Schema, path: string, sections: string[]): void {
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
    if (p.type === 'object' && p.properties && raw.$ref !== '#/$defs/localized') nested.push([`${path}.${k}`, p]);
    if (item && item.type === 'object' && item.properties) nested.push([`${path}.${k}[]`, item]);
  }
  sections.push(`### \`${path}\``, '', String(obj.description ?? ''), '', ...rows, '');
  for (const [p, s] of nested) table(schema, s, p, sections);
}

/** The venue reference section of docs/config.md. */
export function schemaToMarkdown(schema: Schema): string {
  const sections: string[] = [];
  table(schema, schema, 'venue', sections);
  const action = ((schema.$defs as Record<string, Schema>).action!.oneOf ?? []) as Schema[];
  for (const a of action) {
    const name = ((a.properties as Record<string, Schema>).do!.const as string) ?? '';
    table(schema, a, `venue.actions[] (do: ${name})`, sections);
  }
  const reasons = (schema.$defs as Record<string, Schema>).reason!.enum as string[];
  const attributes = (schema.$defs as Record<string, Schema>).attribute!.enum as string[];
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
