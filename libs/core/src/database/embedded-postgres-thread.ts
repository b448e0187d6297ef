import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { hostEmbeddedDatabase } from './embedded-postgres-host';

/**
 * The embedded database's own thread: PGlite (WebAssembly) and its wire server run here, so that executing SQL
 * never blocks the main thread's event loop (HTTP, the queue, the worker's JavaScript).
 */
export type ToDatabaseThread = { type: 'stop' };
export type FromDatabaseThread =
  | { type: 'ready'; host: string; port: number; tid: number | null }
  | { type: 'failed'; message: string; stack?: string }
  | { type: 'error'; message: string; stack?: string }
  | { type: 'stopped' };

/** This thread's Linux thread id (for per-thread CPU figures, e.g. the benchmark's), or null elsewhere. */
function linuxThreadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop()) || null;
  } catch {
    return null;
  }
}

const port = parentPort!;
const post = (message: FromDatabaseThread) => port.postMessage(message);
const { pgdata, password } = workerData as { pgdata: string; password: string };

hostEmbeddedDatabase({
  pgdata,
  password,
  onError: (error) => post({ type: 'error', message: error.message, stack: error.stack }),
}).then(
  (host) => {
    port.on('message', (message: ToDatabaseThread) => {
      if (message.type !== 'stop') return;
      host.stop().then(
        () => {
          post({ type: 'stopped' });
          port.close();
        },
        (error: Error) => post({ type: 'failed', message: error.message, stack: error.stack }),
      );
    });
    post({ type: 'ready', host: host.host, port: host.port, tid: linuxThreadId() });
  },
  (error: Error) => {
    post({ type: 'failed', message: error.message, stack: error.stack });
    port.close();
  },
);
