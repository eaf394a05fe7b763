// One schema, three outputs kept in step with it; every shipped venue valid; bad files explained.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DOC_BEGIN, DOC_END, generatedFiles } from './generated-files.ts';
import { loadVenue, parseVenue, venueProblems, VenueError } from './load.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const venuesDir = join(repo, 'fixtures', 'venues');
const read = (p: string) => readFileSync(p, 'utf8');

test('types.ts, docs/venue.schema.json and docs/config.md are what the schema generates (run scripts/gen-venue-docs.ts)', () => {
  for (const [path, expected] of Object.entries(generatedFiles(repo, read))) {
    assert.equal(read(join(repo, path)), expected, `${path} is out of step with terminal/src/venue/schema.ts`);
  }
});

test('docs/config.md gives every venue option a meaning, a default or "required", and an example', () => {
  const doc = read(join(repo, 'docs', 'config.md'));
  const rows = doc.slice(doc.indexOf(DOC_BEGIN), doc.indexOf(DOC_END)).split('\n').filter((l) => l.startsWith('| `'));
  assert.ok(rows.length > 40, `${rows.length} option rows`);
  for (const row of rows.filter((r) => r.split(' | ').length === 4)) {
    const [, meaning, dflt, example] = row.split(' | ');
    assert.ok(meaning!.trim().length > 3 && dflt!.trim() && example!.replace('|', '').trim(), row);
  }
});

test('every shipped venue loads, is frozen, and is named as its file', () => {
  const files = readdirSync(venuesDir).filter((f) => f.endsWith('.json'));
  assert.deepEqual(
    files.map((f) => f.replace('.json', '')).sort(),
    ['campus-gate', 'desk', 'hall', 'hall-appointments', 'health-checkpoint', 'homestay', 'hospital', 'hotel', 'library', 'library-loans', 'meeting', 'museum-gate', 'window'],
  );
  for (const f of files) {
    const v = loadVenue(join(venuesDir, f));
    assert.equal(`${v.name}.json`, f);
    assert.ok(Object.isFrozen(v) && Object.isFrozen(v.inputs) && Object.isFrozen(v.actions));
  }
});

test('every problem in a venue file is reported at once, each with its path', () => {
  const bad = {
    name: 'Bad Name',
    kind: 'turnstile',
    title: { 'zh-CN': '闸机' },
    event: 'passage',
    inputs: { codes: [{ type: 'health', issuers: [] }], idcard: { card_types: ['passport'] } },
    replay: { per: 'code', on_replay: 'ignore' },
    record: { fields: ['photo'] },
    actions: [{ do: 'print-ticket', prefix: 'a1' }, { do: 'sing' }],
    hours: [{ from: '21:00', to: '08:00' }],
    refusals: { closed: { reason: {}, next: {} } },
    colour: 'blue',
  };
  const problems = venueProblems(bad);
  const text = problems.join('\n');
  for (const expected of [
    /venue: unknown key "colour"/,
    /venue\.name: must match pattern/,
    /venue\.kind: must be one of desk, kiosk, gate/,
    /venue\.title: must have required property 'zh-HK'/,
    /venue\.inputs\.codes\[0\]\.issuers: must NOT have fewer than 1 items/,
    /venue\.inputs\.idcard\.card_types\[0\]: must be one of resident/,
    /venue\.replay\.on_replay: must be one of refuse, flag/,
    /venue\.record\.fields\[0\]: must be one of name/,
    /venue\.actions\[0\]: must have required property 'service'/,
    /venue\.actions\[0\]\.prefix: must match pattern/,
    /venue\.actions\[1\]\.do: value of tag "do" must be in oneOf|venue\.actions\[1\]/,
    /venue\.refusals: "closed" is not a reason/,
    /venue: a venue that takes health codes needs a "health" section/,
  ]) {
    assert.match(text, expected);
  }
  assert.throws(() => parseVenue(bad, 'bad.json'), (e: unknown) => e instanceof VenueError && e.message.startsWith('invalid venue bad.json:\n  - '));
});

test('a gate without a relay, or a desk with one, fails validation', () => {
  const gate = JSON.parse(read(join(venuesDir, 'campus-gate.json')));
  assert.match(venueProblems({ ...gate, actions: [] }).join('\n'), /venue\.actions: a gate must have an "open-gate" action naming its relay/);
  assert.match(venueProblems({ ...gate, actions: [{ do: 'open-gate' }] }).join('\n'), /venue\.actions\[0\]: must have required property 'relay'/);
  assert.match(venueProblems({ ...gate, kind: 'desk' }).join('\n'), /only a venue of kind "gate" may have an "open-gate" action/);
});

test('checks a schema cannot say: hours that end before they start, a per-code window, a scope without personal codes', () => {
  const lib = JSON.parse(read(join(venuesDir, 'library.json')));
  const problems = venueProblems({ ...lib, hours: [{ from: '21:00', to: '08:00' }], replay: { per: 'code', within_s: 30, on_replay: 'refuse' }, scope: 'x', inputs: { idcard: { card_types: ['resident'] } } });
  assert.deepEqual(problems, [
    'venue.hours[0]: "to" (08:00) must be after "from" (21:00)',
    'venue.replay.within_s: only applies with "per": "person" (per code, a code is remembered as long as it could be valid)',
    'venue.scope: only personal codes carry a scope, and the venue takes none',
  ]);
});

test('a file that is not JSON, or missing, says so', () => {
  assert.throws(() => loadVenue(join(venuesDir, 'nope.json')), /cannot read the file/);
  assert.throws(() => loadVenue(join(repo, 'README.md')), /not valid JSON/);
});
