// Tiny `--name value` parser: the issuer's options are all strings, so this is all it needs.
export interface ParsedArgs {
  options: Map<string, string>;
  positional: string[];
}

export class UsageError extends Error {}

export function parseArgs(args: string[], known: readonly string[]): ParsedArgs {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const name = a.slice(2);
    if (!known.includes(name)) throw new UsageError(`unknown option --${name} (known: ${known.map((k) => `--${k}`).join(' ')})`);
    const value = args[++i];
    if (value === undefined) throw new UsageError(`option --${name} needs a value`);
    options.set(name, value);
  }
  return { options, positional };
}

export function intOption(opts: Map<string, string>, name: string): number | undefined {
  const v = opts.get(name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`--${name} should be an integer, got "${v}"`);
  return Number(v);
}
