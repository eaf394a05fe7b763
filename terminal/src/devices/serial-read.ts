// serialport's own read() goes through libuv's thread pool: a read that finds nothing (EAGAIN)
// waits for the poller, then an fs.read on a pool thread fetches the bytes and wakes the main
// thread. Every line from a scanner thus crosses threads twice before the daemon sees it, and on a
// loaded machine each crossing waits for a core. The port's fd is non-blocking, so reading it on
// the main thread costs one syscall and never blocks: this binding does that, and waits for the
// poller only when the tty has nothing. Everything else (open, write, close, the poller) is
// serialport's, unchanged; on a platform without a poller (Windows) the port is left as it is.
import { readSync } from 'node:fs';
import { SerialPort } from 'serialport';

type Binding = typeof SerialPort.binding;
type PortBinding = Awaited<ReturnType<Binding['open']>>;

interface UnixPort {
  fd: number | null;
  poller: { once(event: 'readable', cb: (err: Error | null) => void): unknown };
}

const isUnixPort = (p: unknown): p is UnixPort => typeof p === 'object' && p !== null && 'poller' in p && 'fd' in p;

/** serialport's error for a read cut short by close(): the stream ignores it. */
function canceled(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

/** Reads what the tty holds now, on this thread; resolves once at least one byte came. */
async function readNow(port: UnixPort, buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }> {
  for (;;) {
    if (port.fd === null) throw canceled();
    try {
      const bytesRead = readSync(port.fd, buffer, offset, length, null);
      if (bytesRead > 0) return { bytesRead, buffer };
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { disconnect?: boolean };
      if (err.code !== 'EAGAIN' && err.code !== 'EWOULDBLOCK' && err.code !== 'EINTR') {
        // As serialport's own read: these mean the device went away, which the link turns into a reconnect.
        if (err.code === 'EBADF' || err.code === 'ENXIO' || err.code === 'EIO' || err.code === 'UNKNOWN' || err.errno === -1) err.disconnect = true;
        throw err;
      }
    }
    // Nothing yet (or end of input for now): wait until the poller says the tty has bytes.
    await new Promise<void>((resolve, reject) => port.poller.once('readable', (err) => (err ? reject(err) : resolve())));
  }
}

/** serialport's detected binding, with read() done on the main thread where the platform has a poller. */
export const mainThreadReadBinding: Binding = {
  ...SerialPort.binding,
  list: () => SerialPort.binding.list(),
  async open(options: Parameters<Binding['open']>[0]): Promise<PortBinding> {
    const port: PortBinding = await SerialPort.binding.open(options as never);
    const unix: unknown = port;
    if (isUnixPort(unix)) port.read = (buffer: Buffer, offset: number, length: number) => readNow(unix, buffer, offset, length);
    return port;
  },
} as Binding;
