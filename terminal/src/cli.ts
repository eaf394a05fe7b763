// `npm run -s terminal -- <command> ...`. Each command lives in commands/<name>.ts and exports
// `main(args: string[]): Promise<number>` (the exit status); it is loaded only when asked for, so
// `verify` never pays for serialport and `run` never for the conformance data.
export {};

const commands: Record<string, { file: string; summary: string }> = {
  run: { file: 'run', summary: 'run --config <file>            the terminal daemon' },
  reset: { file: 'reset', summary: 'reset --config <file> --enrollment-code <code> [--reason <text>]   start a new chain (docs/security.md)' },
  verify: { file: 'verify', summary: 'verify --trust-list <jws> --root <kid>:<x> [--at s] [--venue file] <code|->' },
  trust: { file: 'trust', summary: 'trust install --data <dir> --root <kid>:<x> <jws-file>' },
  read: { file: 'read', summary: 'read <scanner|idcard|mrz> <path> [--baud N] [--count N]' },
  devices: { file: 'devices', summary: 'devices [--config <file>]     list HID and serial devices' },
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
const mod = (await import(`./commands/${command.file}.ts`)) as { main: (args: string[]) => Promise<number> };
process.exitCode = await mod.main(args);
