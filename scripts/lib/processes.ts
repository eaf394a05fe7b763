// Child processes the scripts and tests start: spawned, waited for until they listen, stopped.
// Every child is tracked, and whatever is still running when this process exits (an uncaught
// error in a bench, a test runner giving up) is killed, so nothing outlives the run that made it.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { entryArgs } from './entry.ts';

export const REPO = resolve(import.meta.dirname, '../..');

/** Called with every output line of a child; `source` names it. */
export type OutputListener = (source: 'service' | 'terminal', line: string) => void;

const live = new Set<ChildProcess>();
let hooked = false;

/** Kills `child` when this process exits, if it is still running then. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    // 'exit' handlers must be synchronous: a signal is all that can be sent now.
    process.once('exit', killLive);
    // A signal ends a process without 'exit' (the test runner's SIGTERM to a file over its time, a
    // Ctrl-C in a bench): the children go first, then the signal takes its usual course, unless
    // the program handles it itself.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        killLive();
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    }
  }
  return child;
}

function killLive(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Children started here and still running (for tests that check nothing leaked). */
export function liveChildren(): ChildProcess[] {
  return [...live].filter((c) => c.exitCode === null && c.signalCode === null);
}

export interface Child {
  process: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/**
 * Where children write V8 CPU profiles, one folder per `source` under it: set by `npm run bench --
 * --cpu-prof[=dir]` for the benches it runs. Node refuses `--cpu-prof` in NODE_OPTIONS, so the
 * spawner passes it itself. A profile is written when the child exits by itself or on SIGTERM/SIGINT
 * (the service and daemon exit cleanly on both), not on SIGKILL.
 */
export const CPU_PROF_ENV = 'YSS_CPU_PROF_DIR';

/**
 * Marks a bench's timed run for scripts/profile-parts.ts (window.json beside the profiles), in
 * µs of the monotonic clock that V8's profiles and process.hrtime share; nothing without profiling.
 */
export function markProfileWindow(startNs: bigint, endNs: bigint): void {
  const dir = process.env[CPU_PROF_ENV];
  if (dir) writeFileSync(join(dir, 'window.json'), `${JSON.stringify({ start_us: Number(startNs / 1000n), end_us: Number(endNs / 1000n) })}\n`);
}

function profileArgs(source: string): string[] {
  const dir = process.env[CPU_PROF_ENV];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(dir, source)}`] : [];
}

/** Spawns a TypeScript entry point and resolves once it logs `"msg":"listening"` with its url. */
export async function spawnListening(entry: string, args: string[], source: 'service' | 'terminal', onOutput?: OutputListener, timeoutMs = 30_000): Promise<Child> {
  const child = track(spawn(process.execPath, [...profileArgs(source), ...entryArgs(entry), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] }));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let output = '';
  return await new Promise<Child>((resolveChild, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${source} did not start within ${timeoutMs} ms:\n${output.slice(-4000)}`));
    }, timeoutMs);
    let found = false;
    const onLine = (line: string) => {
      onOutput?.(source, line);
      if (!found) output += `${line}\n`;
      if (!found && line.includes('"msg":"listening"')) {
        const url = (JSON.parse(line) as { url?: string }).url;
        if (url) {
          found = true;
          clearTimeout(timer);
          resolveChild({ process: child, url, exited });
        }
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
    }
    void exited.then((code) => {
      if (!found) {
        clearTimeout(timer);
        reject(new Error(`${source} exited with ${code} before listening:\n${output.slice(-4000)}`));
      }
    });
  });
}

/** Stops a child with `signal`, then SIGKILL after 10 s; resolves once it has exited. */
export async function stopChild(child: Child | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill(signal);
  const killer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(killer);
}

