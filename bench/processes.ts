import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, WriteStream } from 'node:fs';
import * as net from 'node:net';

/** Linux clock ticks per second for /proc/<pid>/stat times (USER_HZ is 100 on every mainstream kernel). */
const CLK_TCK = 100;

export interface ChildOptions {
  name: string;
  script: string;
  args?: string[];
  env: Record<string, string | undefined>;
  logFile: string;
  /** Resolves true when a stdout/stderr line means the child is ready. */
  readyLine?: RegExp;
}

/** A child node process whose output goes to a log file and whose memory and CPU we sample. */
export class Child {
  readonly proc: ChildProcess;
  private readonly log: WriteStream;
  private tail: string[] = [];
  private exited: { code: number | null; signal: string | null } | null = null;
  private readonly exitPromise: Promise<void>;
  peakRssKb = 0;
  /** Peak anonymous resident memory (heap, buffers, malloc) as opposed to mapped files (the node binary). */
  peakAnonKb = 0;
  private samples = 0;
  private sampler: NodeJS.Timeout | null = null;
  private readonly lineWaiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];

  constructor(readonly opts: ChildOptions) {
    this.log = createWriteStream(opts.logFile);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
    this.proc = spawn(process.execPath, [opts.script, ...(opts.args ?? [])], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onChunk = (chunk: Buffer) => {
      this.log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.tail.push(line);
        if (/\bERROR\b|deadlock/i.test(line)) {
          this.errorCount++;
          if (this.errorLines.length < 5)
            this.errorLines.push(line.replace(/\x1b\[[0-9;]*m/g, '').slice(0, 300));
        }
        if (this.tail.length > 40) this.tail.shift();
        for (let i = this.lineWaiters.length - 1; i >= 0; i--) {
          if (this.lineWaiters[i]!.re.test(line)) {
            this.lineWaiters[i]!.resolve(line);
            this.lineWaiters.splice(i, 1);
          }
        }
      }
    };
    this.proc.stdout!.on('data', onChunk);
    this.proc.stderr!.on('data', onChunk);
    this.exitPromise = new Promise((resolve) =>
      this.proc.on('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve();
      }),
    );
    this.sampler = setInterval(() => this.sample(), 100);
    this.sampler.unref();
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get alive(): boolean {
    return this.exited === null;
  }

  /** Lines the child logged at ERROR level (or mentioning a deadlock), first few kept. */
  readonly errorLines: string[] = [];
  errorCount = 0;

  lastLines(n = 20): string {
    return this.tail.slice(-n).join('\n');
  }

  /** Waits for an output line matching `re`; fails if the child exits first or the timeout passes. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string> {
    const existing = this.tail.find((l) => re.test(l));
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.opts.name}: no line matching ${re} after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.lineWaiters.push({
        re,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      void this.exitPromise.then(() => {
        clearTimeout(timer);
        reject(
          new Error(
            `${this.opts.name} exited (code ${this.exited?.code}, signal ${this.exited?.signal}):\n` +
              this.lastLines(),
          ),
        );
      });
    });
  }

  /** VmHWM (peak resident set) and VmRSS from /proc, kB. */
  memory(): { rssKb: number; hwmKb: number } | null {
    return readMemory(this.pid);
  }

  private sample(): void {
    if (!this.alive) return;
    const m = this.memory();
    if (m) this.peakRssKb = Math.max(this.peakRssKb, m.hwmKb, m.rssKb);
    if (this.samples++ % 10 === 0) {
      try {
        const rollup = readFileSync(`/proc/${this.pid}/smaps_rollup`, 'utf8');
        const anon = Number(/^Anonymous:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
        this.peakAnonKb = Math.max(this.peakAnonKb, anon);
      } catch {
        // gone, or no smaps_rollup
      }
    }
  }

  cpuSeconds(): number {
    return readCpuSeconds(this.pid) ?? 0;
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    this.sample();
    if (this.sampler) clearInterval(this.sampler);
    if (this.alive) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.alive && this.proc.kill('SIGKILL'), timeoutMs);
      await this.exitPromise;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }
}

export function readMemory(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+)/.exec(status);
    const hwm = /VmHWM:\s+(\d+)/.exec(status);
    return { rssKb: Number(rss?.[1] ?? 0), hwmKb: Number(hwm?.[1] ?? 0) };
  } catch {
    return null;
  }
}

/** utime + stime of a process, seconds. */
export function readCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** The machine's CPU time from /proc/stat, seconds: busy (user + system + interrupts, no steal), interrupts, steal. */
function readMachineCpu(): { busy: number; irq: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  // user nice system idle iowait irq softirq steal guest guest_nice
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = v;
  return {
    busy: (user + nice + system + irq + softirq) / CLK_TCK,
    irq: (irq + softirq) / CLK_TCK,
    steal: steal / CLK_TCK,
  };
}

/** CPU seconds of every process, by pid, with its command name. */
function allProcesses(): Map<number, { comm: string; cpu: number }> {
  const out = new Map<number, { comm: string; cpu: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime + stime, plus cutime + cstime (the CPU of exited children it reaped), except for PostgreSQL:
      // its postmaster reaps every backend, other people's included, so there exited backends and autovacuum
      // workers end up in "other".
      const fieldsCounted = comm === 'postgres' ? 2 : 4;
      const cpu = fields.slice(11, 11 + fieldsCounted).reduce((a, f) => a + Number(f), 0) / CLK_TCK;
      out.set(Number(entry), { comm, cpu });
    } catch {
      // gone
    }
  }
  return out;
}

/** utime + stime of one thread, in seconds, or null when it is gone (or not on Linux). */
function threadCpu(pid: number, tid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/**
 * Whether a PostgreSQL process counts for `database`: backends show `postgres: <cluster>: <user> <db> <host>` as
 * their title; the postmaster and auxiliary processes (checkpointer, WAL writer, autovacuum…) serve everyone.
 */
function servesDatabase(pid: number, database: string): boolean {
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    const backend =
      /^postgres: [^:]+: \S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(title) ??
      /^postgres: [^:]+: autovacuum worker (\S+)/.exec(title);
    return !backend || backend[1] === database;
  } catch {
    return false;
  }
}

export interface CpuSnapshot {
  at: number;
  machine: { busy: number; irq: number; steal: number };
  processes: Map<number, { comm: string; cpu: number }>;
  groups: Record<string, number[]>;
  /** CPU seconds of the threads reported apart, by name. */
  threads: Map<string, number>;
}

export type CpuBreakdown = Record<string, number> & {
  otherTop?: Array<{ pid: number; comm: string; cores: number }>;
};

/**
 * Attributes CPU time during a phase to the bench process (load generator), our children, PostgreSQL, Redis,
 * the kernel's interrupt work (loopback networking) and everything else, in cores (CPU seconds per wall
 * second): tells where the two cores went, and whether something outside the benchmark was busy.
 */
export class CpuAccounting {
  /**
   * `database`: PostgreSQL backends serving other databases (other people's tests on a shared machine) count as
   * "other", not as our PostgreSQL; the postmaster and its auxiliary processes count as ours.
   */
  constructor(
    private readonly children: () => Record<string, Child | null>,
    private readonly database: () => string | null = () => null,
    /** Threads of a child to report apart (cores of that thread alone), e.g. all-in-one's database thread. */
    private readonly threads: () => Record<string, { pid: number; tid: number }> = () => ({}),
  ) {}

  snapshot(): CpuSnapshot {
    const processes = allProcesses();
    const groups: Record<string, number[]> = { bench: [process.pid] };
    for (const [name, child] of Object.entries(this.children())) {
      if (child?.alive) groups[name] = [child.pid];
    }
    const database = this.database();
    groups.postgres = [...processes]
      .filter(([pid, p]) => p.comm === 'postgres' && (!database || servesDatabase(pid, database)))
      .map(([pid]) => pid);
    groups.redis = [...processes].filter(([, p]) => p.comm.startsWith('redis-server')).map(([pid]) => pid);
    const threads = new Map<string, number>();
    for (const [name, { pid, tid }] of Object.entries(this.threads())) {
      const cpu = threadCpu(pid, tid);
      if (cpu !== null) threads.set(name, cpu);
    }
    return { at: performance.now(), machine: readMachineCpu(), processes, groups, threads };
  }

  /** Cores used per group between two snapshots (a process born in between counts from zero). */
  between(a: CpuSnapshot, b: CpuSnapshot): CpuBreakdown {
    const wall = (b.at - a.at) / 1000;
    const used = (pid: number): number => {
      const after = b.processes.get(pid);
      if (!after) return 0;
      const before = a.processes.get(pid);
      return after.cpu - (before && before.comm === after.comm ? before.cpu : 0);
    };
    const out: CpuBreakdown = {};
    const attributed = new Set<number>();
    let attributedSum = 0;
    for (const [group, pids] of Object.entries(b.groups)) {
      let sum = 0;
      for (const pid of pids) {
        if (attributed.has(pid)) continue;
        attributed.add(pid);
        sum += used(pid);
      }
      out[group] = round2(sum / wall);
      attributedSum += sum;
    }
    for (const [name, after] of b.threads) {
      const before = a.threads.get(name);
      if (before !== undefined) out[name] = round2((after - before) / wall);
    }
    const irq = b.machine.irq - a.machine.irq;
    const busy = b.machine.busy - a.machine.busy;
    out.kernelIrq = round2(irq / wall);
    out.other = round2(Math.max(0, busy - irq - attributedSum) / wall);
    out.machine = round2(busy / wall);
    out.steal = round2((b.machine.steal - a.machine.steal) / wall);
    out.otherTop = [...b.processes.keys()]
      .filter((pid) => !attributed.has(pid))
      .map((pid) => ({ pid, comm: b.processes.get(pid)!.comm, cores: round2(used(pid) / wall) }))
      .filter((p) => p.cores >= 0.02)
      .sort((x, y) => y.cores - x.cores)
      .slice(0, 5);
    return out;
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/** Runs a node script to completion, returning its stdout; rejects with its output on a non-zero exit. */
export function runNode(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 120_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
    const child = spawn(process.execPath, [script, ...args], {
      env: clean,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${script} ${args.join(' ')} exited with ${code}:\n${err || out}`));
    });
  });
}
