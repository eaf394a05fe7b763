// The architecture's boundaries as one ESLint rule (`yss/boundaries`), so an import that breaks
// them fails `npm run lint` instead of waiting for a reviewer to remember (design/style.md):
// - a part of the terminal (a folder of terminal/src) imports another part only through its
//   index.ts;
// - codes/ reaches no I/O and no part but trust's in-memory index;
// - scenarios/ touches no devices (their types are fine) and no disk;
// - the kiosk imports only the API's types (terminal/src/api/messages.ts, `import type`);
// - the service imports only the wire protocol (terminal/src/protocol/index.ts);
// - the service's pages (admin/, hall/, page-common/) take the service's types only (`import type`).
// Tests, test helpers and benchmarks may reach further; the rule checks production files.
import { dirname, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** Modules that do I/O: files, sockets, processes, devices, databases, HTTP, logging sinks. */
const IO_MODULES = [
  'fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'child_process', 'worker_threads', 'cluster', 'readline',
  'better-sqlite3', 'serialport', 'axios', 'ws', 'fastify', 'node-hid', 'usb', 'pino', 'pg',
];
const isIo = (spec) => {
  const bare = spec.replace(/^node:/, '');
  return IO_MODULES.some((m) => bare === m || bare.startsWith(`${m}/`)) || spec.startsWith('@serialport/') || spec.startsWith('@fastify/');
};

/** What codes/ may take from trust/: the in-memory index and its lookups, nothing that stores. */
const TRUST_INDEX_NAMES = new Set(['TrustIndex', 'TrustKey', 'TrustIssuer', 'HashLookup', 'isRevoked', 'ctiHash', 'subHash', 'KeyAlg']);

const norm = (p) => p.split('\\').join('/');
const isProduction = (rel) => !/\.test\.ts$/.test(rel) && !/(^|\/)(test|bench|fuzz)\//.test(rel);
/** The part of terminal/src a path belongs to (`codes`, `api`, …), or '' for the root files. */
const partOf = (rel) => {
  const m = /^terminal\/src\/([^/]+)\/.+/.exec(rel);
  return m ? m[1] : rel.startsWith('terminal/src/') ? '' : null;
};

function importedNames(node) {
  if (node.type === 'ImportDeclaration') return node.specifiers.map((s) => (s.type === 'ImportSpecifier' ? (s.imported.name ?? s.imported.value) : '*'));
  if (node.type === 'ExportNamedDeclaration') return node.specifiers.map((s) => s.local.name ?? s.local.value);
  return ['*'];
}

function typeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specs = node.specifiers ?? [];
  return specs.length > 0 && specs.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

/** The problem with one import, or null. */
export function check(file, spec, names, isType) {
  const rel = norm(relative(ROOT, file));
  if (!isProduction(rel)) return null;
  const target = spec.startsWith('.') ? norm(relative(ROOT, resolve(dirname(file), spec))) : null;
  const from = partOf(rel);
  const to = target ? partOf(target) : null;

  if (rel.startsWith('kiosk-ui/') && target?.startsWith('terminal/')) {
    if (target !== 'terminal/src/api/messages.ts') return `the kiosk imports only the API's types (terminal/src/api/messages.ts), not ${target}`;
    if (!isType) return 'the kiosk imports the API with `import type` only: nothing of the daemon may end up in its bundle';
    return null;
  }
  if (/^sync-service\/(admin|hall|page-common)\//.test(rel) && target?.startsWith('sync-service/src/')) {
    return isType ? null : `a service page imports the service's types only (\`import type\`): nothing of the server may end up in its bundle, not ${target}`;
  }
  if (rel.startsWith('sync-service/') && target?.startsWith('terminal/')) {
    return target === 'terminal/src/protocol/index.ts' ? null : `the service imports only the wire protocol (terminal/src/protocol/index.ts), not ${target}`;
  }
  if (from === null) return null;

  if (from === 'codes') {
    if (!target && isIo(spec)) return `codes/ is pure: it may not import ${spec} (I/O)`;
    if (to !== null && to !== 'codes') {
      if (to !== 'trust') return `codes/ may not import ${target}: it depends on no part but trust's in-memory index`;
      const bad = names.filter((n) => !TRUST_INDEX_NAMES.has(n));
      if (bad.length) return `codes/ takes only trust's in-memory index from trust/, not ${bad.join(', ')}`;
    }
  }
  if (from === 'scenarios') {
    if (!target && isIo(spec)) return `scenarios/ decide without I/O: they may not import ${spec}`;
    if (to === 'devices' && !isType) return 'scenarios/ touch no devices: import only their types (`import type`)';
    if (to === 'db' || to === 'queue') return `scenarios/ touch no disk: they may not import ${target}`;
  }
  // commands/ holds the CLI's entry points, which cli.ts loads one at a time: an index.ts would load them all.
  if (rel === 'terminal/src/cli.ts' && to === 'commands') return null;
  if (to !== null && to !== '' && to !== from && target !== `terminal/src/${to}/index.ts`) {
    return `import ${to}/ through its index.ts, not its internal file ${target}`;
  }
  return null;
}

const rule = {
  meta: { type: 'problem', docs: { description: 'imports respect the architecture (scripts/lint/boundaries.js)' }, schema: [] },
  create(context) {
    const visit = (node, source) => {
      if (!source || typeof source.value !== 'string') return;
      const problem = check(context.filename, source.value, importedNames(node), typeOnly(node));
      if (problem) context.report({ node: source, message: problem });
    };
    return {
      ImportDeclaration: (n) => visit(n, n.source),
      ExportNamedDeclaration: (n) => visit(n, n.source),
      ExportAllDeclaration: (n) => visit(n, n.source),
      ImportExpression: (n) => visit(n, n.source.type === 'Literal' ? n.source : null),
    };
  },
};

export default { rules: { boundaries: rule } };
