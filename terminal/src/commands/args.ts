// node:util parseArgs reads `--root -Ab3:…` as `--root` with no value followed by an unknown option,
// and refuses it as ambiguous. A base64url kid or key begins with a dash one time in 64, so an
// operator copying a root from the issuer's output would hit that at random. Options that always
// take a value get the next argument glued on (`--root=-Ab3:…`), which parseArgs reads as meant.

/** `args` with every `--name value` of the named value options written `--name=value`. */
export function glueValues(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (a.startsWith('--') && names.includes(a.slice(2)) && next !== undefined) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}
