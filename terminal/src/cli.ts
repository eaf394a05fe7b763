// `npm run -s terminal -- <command> ...`. Each command lives in commands/<name>.ts and exports
// `main(args: string[]): Promise<number>` (the exit status); it is loaded only when asked for, so
// `verify` never pays for serialport and `run` never for the conformance data. The imports are
// written out (not computed from the name) so that a bundler sees exactly these six.
export {};

type Command = { load: () => Promise<{ main: (args: string[]) => Promise<number> }>; summary: string };

const commands: Record<string, Command> = {
  run: { load: () => import('./commands/run.ts'), summary: 'run --config <file>            the terminal daemon' },
  reset: { load: () => import('./commands/reset.ts'), summary: 'reset --config <file> --enrollment-code <code> [--reason <text>]   start a new chain (docs/security.md)' },
  verify: { load: () => import('./commands/verify.ts'), summary: 'verify --trust-list <jws> --root <kid>:<x> [--at s] [--venue file] <code|->' },
  trust: { load: () => import('./commands/trust.ts'), summary: 'trust install --data <dir> --root <kid>:<x> <jws-file>' },
  read: { load: () => import('./commands/read.ts'), summary: 'read <scanner|idcard|mrz> <path> [--baud N] [--count N]' },
  devices: { load: () => import('./commands/devices.ts'), summary: 'devices [--config <file>]     list HID and serial devices' },
};

function usage(): string {
  return ['usage: terminal <command> ...', ...Object.values(commands).map((c) => `  ${c.summary}`)].join('\n');
}

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(name ? `unknown command "${name}"\n${usage()}` : usage());
  process.exit(2);
}
process.exitCode = await (await command.load()).main(args);
