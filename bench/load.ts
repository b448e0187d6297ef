import * as net from 'node:net';

/**
 * A small HTTP/1.1 load generator over raw keep-alive sockets: writes pre-built request bytes, reads just
 * enough of the response (status line, Content-Length) to know when it is complete. It costs a fraction of
 * what an `http.request` per call would, which matters when it shares two cores with the server it measures.
 */

export interface RequestSource {
  next(): Buffer;
}

export interface LoadTarget {
  host: string;
  port: number;
}

export interface LoadResult {
  durationSec: number;
  /** Responses completed inside the measurement window, by status code (0 = connection error). */
  statuses: Record<string, number>;
  ok: number;
  okPerSec: number;
  /** 2xx responses including those that completed after the window (every one of them enqueued an event). */
  okTotal: number;
  sent: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Open-loop runs: the offered rate, and requests that could not be sent on time (no free connection). */
  offeredPerSec?: number;
  connectionsUsed?: number;
  /** Open loop: how long after its due time the generator got to each request (its own scheduling delay). */
  generatorLagMs?: LoadResult['latencyMs'];
  /** Open loop: latency counted from the moment each request was due, the generator's own lag included. */
  latencyFromDueMs?: LoadResult['latencyMs'];
}

type Done = (status: number, endedAt: number) => void;

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** One keep-alive connection with at most one request in flight. */
class Connection {
  readonly socket: net.Socket;
  private pending: Buffer | null = null;
  private headerDone = false;
  private status = 0;
  private remaining = 0;
  private done: Done | null = null;
  busy = false;
  closed = false;
  readonly ready: Promise<void>;

  constructor(target: LoadTarget, onClose: (c: Connection) => void) {
    this.socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      if (this.done) this.finish(0);
      onClose(this);
    });
  }

  send(request: Buffer, done: Done): void {
    this.busy = true;
    this.done = done;
    this.headerDone = false;
    this.pending = null;
    this.socket.write(request);
  }

  private onData(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    if (!this.headerDone) {
      const end = buf.indexOf(CRLFCRLF);
      if (end === -1) {
        this.pending = buf;
        return;
      }
      const head = buf.toString('latin1', 0, end);
      this.status = Number(head.slice(9, 12));
      const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!match) {
        // Every server measured here sends Content-Length; anything else is a protocol error for us.
        this.status = 0;
        this.socket.destroy();
        return;
      }
      this.remaining = Number(match[1]);
      this.headerDone = true;
      buf = buf.subarray(end + 4);
    }
    this.remaining -= buf.length;
    if (this.remaining <= 0) this.finish(this.status);
  }

  private finish(status: number): void {
    const done = this.done;
    this.done = null;
    this.busy = false;
    done?.(status, performance.now());
  }

  close(): void {
    this.socket.destroy();
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

function summarize(latencies: number[]): LoadResult['latencyMs'] {
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: r(percentile(sorted, 50)),
    p90: r(percentile(sorted, 90)),
    p99: r(percentile(sorted, 99)),
    max: r(sorted.length ? sorted[sorted.length - 1]! : 0),
    mean: r(latencies.length ? sum / latencies.length : 0),
  };
}

async function openConnections(target: LoadTarget, n: number, onClose: (c: Connection) => void) {
  const conns = Array.from({ length: n }, () => new Connection(target, onClose));
  await Promise.all(conns.map((c) => c.ready));
  return conns;
}

/**
 * Closed loop: `connections` clients each send the next request as soon as the previous answer is in.
 * Measures the highest rate the server sustains. Only responses completed inside the window count.
 */
export async function runClosedLoop(
  target: LoadTarget,
  source: RequestSource,
  opts: { connections: number; durationMs: number },
): Promise<LoadResult> {
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let sent = 0;
  let okTotal = 0;
  let stopping = false;
  const conns = await openConnections(target, opts.connections, () => undefined);
  const start = performance.now();
  const deadline = start + opts.durationMs;
  let inFlight = 0;
  let drained: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (drained = resolve));

  const fire = (c: Connection): void => {
    if (stopping || c.closed) {
      if (inFlight === 0) drained();
      return;
    }
    const startedAt = performance.now();
    sent++;
    inFlight++;
    c.send(source.next(), (status, endedAt) => {
      inFlight--;
      if (status === 200 || status === 202) okTotal++;
      if (endedAt <= deadline) {
        statuses[status] = (statuses[status] ?? 0) + 1;
        latencies.push(endedAt - startedAt);
      }
      fire(c);
    });
  };
  for (const c of conns) fire(c);
  await new Promise((r) => setTimeout(r, opts.durationMs));
  stopping = true;
  await Promise.race([allDone, new Promise((r) => setTimeout(r, 5000))]);
  for (const c of conns) c.close();
  const durationSec = opts.durationMs / 1000;
  const ok = (statuses['200'] ?? 0) + (statuses['202'] ?? 0);
  return {
    durationSec,
    statuses,
    ok,
    okPerSec: Math.round(ok / durationSec),
    okTotal,
    sent,
    latencyMs: summarize(latencies),
  };
}

/**
 * Open loop: requests are due at a fixed rate whatever the server does, and latency is measured from the
 * moment a request was due (not when it could be sent), so a stalled server cannot hide its queueing
 * (no coordinated omission). Connections are opened on demand when all are busy.
 */
export async function runOpenLoop(
  target: LoadTarget,
  source: RequestSource,
  opts: { ratePerSec: number; durationMs: number; initialConnections?: number; maxConnections?: number },
): Promise<LoadResult> {
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const idle: Connection[] = [];
  let total = 0;
  const maxConnections = opts.maxConnections ?? 512;
  const onClose = (c: Connection) => {
    const i = idle.indexOf(c);
    if (i !== -1) idle.splice(i, 1);
    total--;
  };
  for (const c of await openConnections(target, opts.initialConnections ?? 16, onClose)) {
    idle.push(c);
    total++;
  }
  const backlog: Array<[number, number]> = []; // [due, ready] of requests waiting for a connection
  const sendLag: number[] = [];
  const fromDue: number[] = [];
  const interval = 1000 / opts.ratePerSec;
  const start = performance.now();
  const end = start + opts.durationMs;
  let scheduled = 0;
  let sent = 0;
  let inFlight = 0;

  /**
   * `dueAt`: when the request was due; `readyAt`: when the generator got to it (later only if the generator
   * itself lagged). Latency counts from `readyAt`, so time spent waiting for a free connection (a slow server)
   * counts and the load generator's own scheduling delay does not; `fromDue` counts both.
   */
  const dispatch = (c: Connection, dueAt: number, readyAt: number): void => {
    sent++;
    inFlight++;
    c.send(source.next(), (status, endedAt) => {
      inFlight--;
      statuses[status] = (statuses[status] ?? 0) + 1;
      latencies.push(endedAt - readyAt);
      fromDue.push(endedAt - dueAt);
      if (!c.closed) release(c);
    });
  };
  const release = (c: Connection): void => {
    const waiting = backlog.shift();
    if (waiting !== undefined) dispatch(c, waiting[0], waiting[1]);
    else idle.push(c);
  };
  const connect = (): void => {
    total++;
    const c = new Connection(target, onClose);
    c.ready.then(
      () => release(c),
      () => undefined,
    );
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      const dueCount = Math.floor((Math.min(now, end) - start) / interval);
      while (scheduled < dueCount) {
        const dueAt = start + scheduled * interval;
        scheduled++;
        // How late the generator itself is: a starved load generator inflates latency, so it is reported.
        sendLag.push(now - dueAt);
        const c = idle.pop();
        if (c) dispatch(c, dueAt, now);
        else {
          backlog.push([dueAt, now]);
          if (total < maxConnections) connect();
        }
      }
      if (now >= end) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  // Let the last requests finish (bounded).
  const waitUntil = performance.now() + 10_000;
  while ((inFlight > 0 || backlog.length > 0) && performance.now() < waitUntil) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const connectionsUsed = total;
  for (const c of idle) c.close();
  const durationSec = opts.durationMs / 1000;
  const ok = (statuses['200'] ?? 0) + (statuses['202'] ?? 0);
  return {
    durationSec,
    statuses,
    ok,
    okPerSec: Math.round(ok / durationSec),
    okTotal: ok,
    sent,
    offeredPerSec: opts.ratePerSec,
    connectionsUsed,
    latencyMs: summarize(latencies),
    generatorLagMs: summarize(sendLag),
    latencyFromDueMs: summarize(fromDue),
  };
}
