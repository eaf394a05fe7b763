// Where a command's text goes and comes from. The process's own streams for `terminal <command>`;
// a test passes its own and calls the command in-process, which proves the same parsing, answers
// and exit status as a child process would, without a node start per case (scripts/issuer/cli.test.ts
// keeps real processes for what only a process shows: its streams, its stdin, its exit code).
export interface CommandIo {
  /** Resolves once the text has been taken (stdout's back-pressure). */
  out(text: string): Promise<void>;
  err(text: string): void;
  input(): AsyncIterable<Buffer>;
}

export const processIo: CommandIo = {
  out: (text) => new Promise((resolve, reject) => (text ? process.stdout.write(text, (e) => (e ? reject(e) : resolve())) : resolve())),
  err: (text) => void process.stderr.write(text),
  input: () => process.stdin as AsyncIterable<Buffer>,
};
