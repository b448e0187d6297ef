import Bull from 'bull';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { cpus, release as kernelRelease, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { LoadResult, runClosedLoop, runOpenLoop } from './load';
import { buildTemplates, RequestFactory, Template } from './payloads';
import { Child, CpuAccounting, CpuBreakdown, CpuSnapshot, freePort, runNode } from './processes';
import { PgActivitySampler } from './pg-activity';
import { renderMarkdown } from './report';
import {
  countEvents,
  createDatabase,
  databaseUrlFor,
  dropDatabase,
  seedIssueListDataset,
  storageCeiling,
  storageFigures,
  StorageFigures,
  withClient,
} from './storage';

/**
 * `npm run bench [-- options]`: ingest throughput, latency and footprint, measured beside the machine's own
 * ceilings in the same run. See bench/README.md.
 */

const USAGE = `Usage: npm run bench -- [options]

  --quick                 short phases, no 1M-event issue-list dataset (< 2 minutes)
  --out FILE              JSON result (default bench/results/<mode>-<quick|full>.json)
  --markdown FILE         Markdown table (default: the JSON path with .md)
  --mode MODE             services (api + worker + PostgreSQL + Redis; default) or all-in-one
  --connections N         concurrent connections for the throughput phases (default 50)
  --rate N                offered events/s for the latency phase (default 1000)
  --sustained-rate N      offered events/s for the end-to-end phase (default 2000; full run only)
  --issues N              distinct issues the traffic forms (default 1000 quick, 5000 full)
  --dataset-events N      events in the issue-list dataset (default 1000000)
  --dataset-issues N      issues in the issue-list dataset (default 50000)
  --keep                  keep the database and Redis keys afterwards (prints how to reach them)
  --quiet-wait SEC        before each measured phase, wait up to SEC seconds for the machine to be idle
                          (default 3 quick, 60 full); the CPU other processes used is reported either way
  --node-options OPTS     NODE_OPTIONS for the api and worker (e.g. "--max-semi-space-size=4"), recorded
                          in the result
  --data-compression lz4  what-if: store events.data with lz4 instead of the schema's default (pglz);
                          marked in the result as a deviation from the shipped schema
  --alert-rules N         configure N alert rules on the benchmark's project before the traffic (each with a
                          webhook recipient: a local receiver the bench starts and counts), to measure what
                          rule evaluation and delivery cost the worker
  --profile PHASE         CPU-profile the api and worker during one phase (accept, drain, latency,
                          sustained); .cpuprofile files go next to the JSON result, in profiles/

Environment: DATABASE_URL names the PostgreSQL server (a fresh database gt_bench_<ts> is created on it and
dropped afterwards; default postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL the Redis server (a unique
key prefix is used and deleted; default redis://127.0.0.1:6379).`;

interface Options {
  quick: boolean;
  out: string;
  markdown: string;
  mode: 'services' | 'all-in-one';
  connections: number;
  rate: number;
  sustainedRate: number;
  issues: number;
  datasetEvents: number;
  datasetIssues: number;
  keep: boolean;
  profile: string | null;
  quietWaitSec: number | null;
  nodeOptions: string | null;
  dataCompression: 'lz4' | 'pglz' | null;
  alertRules: number;
}

const REPO = resolve(__dirname, '../..');
const DIST = resolve(__dirname, '..');
const API_MAIN = join(DIST, 'apps/api/src/main.js');
const ALL_IN_ONE_MAIN = join(DIST, 'apps/all-in-one/src/main.js');
const WORKER_MAIN = join(DIST, 'apps/worker/src/main.js');
const MANAGE = join(DIST, 'apps/api/src/manage.js');
const CEILING = join(__dirname, 'ceiling-server.js');
const PROFILER = join(__dirname, 'profiler-preload.js');
const BENCH_SECRET = randomBytes(24).toString('hex');

function parseOptions(argv: string[]): Options {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i !== -1) return argv[i + 1];
    const inline = argv.find((a) => a.startsWith(`--${name}=`));
    return inline?.slice(name.length + 3);
  };
  const has = (name: string) => argv.includes(`--${name}`);
  if (has('help') || has('h')) {
    console.log(USAGE);
    process.exit(0);
  }
  const known = new Set([
    'quick',
    'out',
    'markdown',
    'mode',
    'connections',
    'rate',
    'sustained-rate',
    'issues',
    'dataset-events',
    'dataset-issues',
    'keep',
    'profile',
    'quiet-wait',
    'node-options',
    'data-compression',
    'alert-rules',
  ]);
  const flags = new Set(['quick', 'keep', 'help', 'h']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.slice(2).split('=')[0]!;
    if (!arg.startsWith('--') || !known.has(name)) {
      console.error(`Unknown option ${arg}\n\n${USAGE}`);
      process.exit(2);
    }
    if (!flags.has(name) && !arg.includes('=')) i++; // its value
  }
  const quick = has('quick');
  const mode = (get('mode') ?? 'services') as Options['mode'];
  if (mode !== 'services' && mode !== 'all-in-one') {
    console.error(`--mode must be services or all-in-one\n\n${USAGE}`);
    process.exit(2);
  }
  const compression = get('data-compression');
  if (compression !== undefined && compression !== 'lz4' && compression !== 'pglz') {
    console.error(`--data-compression must be lz4 or pglz\n\n${USAGE}`);
    process.exit(2);
  }
  const out = resolve(get('out') ?? join(REPO, 'bench/results', `${mode}-${quick ? 'quick' : 'full'}.json`));
  const num = (name: string, fallback: number) => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      console.error(`--${name} must be a positive number`);
      process.exit(2);
    }
    return n;
  };
  return {
    quick,
    out,
    markdown: resolve(get('markdown') ?? out.replace(/\.json$/i, '') + '.md'),
    mode,
    connections: num('connections', 50),
    rate: num('rate', 1000),
    sustainedRate: num('sustained-rate', 2000),
    issues: num('issues', quick ? 1000 : 5000),
    datasetEvents: num('dataset-events', 1_000_000),
    datasetIssues: num('dataset-issues', 50_000),
    keep: has('keep'),
    profile: get('profile') ?? null,
    nodeOptions: get('node-options') ?? null,
    dataCompression: (get('data-compression') as Options['dataCompression']) ?? null,
    alertRules: get('alert-rules') === undefined ? 0 : num('alert-rules', 0),
    quietWaitSec: get('quiet-wait') === undefined ? null : Math.max(0, Number(get('quiet-wait')) || 0),
  };
}

const started = performance.now();
function log(message: string): void {
  const t = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[bench ${t}s] ${message}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => Math.round(kb / 102.4) / 10;

// ---------------------------------------------------------------------------------------------------------

interface Durations {
  warmupMs: number;
  ceilingMs: number;
  acceptMs: number;
  drainCapMs: number;
  latencyMs: number;
  sustainedMs: number;
  storageCeilingRows: number;
  /** How long to wait for an idle machine before each measured phase. */
  quietWaitMs: number;
}

const QUICK: Durations = {
  warmupMs: 2_000,
  ceilingMs: 5_000,
  acceptMs: 5_000,
  drainCapMs: 25_000,
  latencyMs: 8_000,
  sustainedMs: 0,
  storageCeilingRows: 10_000,
  quietWaitMs: 3_000,
};
const FULL: Durations = {
  warmupMs: 3_000,
  ceilingMs: 15_000,
  acceptMs: 15_000,
  drainCapMs: 300_000,
  latencyMs: 30_000,
  sustainedMs: 30_000,
  storageCeilingRows: 50_000,
  quietWaitMs: 60_000,
};

interface PhaseRecord {
  load?: LoadResult;
  cpuCores?: CpuBreakdown;
  [key: string]: unknown;
}

/** Everything a run needs to reach its own processes. */
interface Stack {
  mode: Options['mode'];
  port: number;
  baseUrl: string;
  api: Child;
  worker: Child | null;
  databaseUrl: string | null;
  bull: Bull.Queue | null;
  seed: {
    dsn: string;
    token: string;
    organization: string;
    project: string;
    projectId: string;
    publicKey: string;
  };
  dataDir: string | null;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const d = { ...(opts.quick ? QUICK : FULL) };
  if (opts.quietWaitSec !== null) d.quietWaitMs = opts.quietWaitSec * 1000;
  for (const file of [API_MAIN, ALL_IN_ONE_MAIN, WORKER_MAIN, MANAGE, CEILING]) {
    if (!existsSync(file))
      throw new Error(`${file} is missing: run \`npm run build\` first (npm run bench does).`);
  }
  const stamp = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const dbName = `gt_bench_${stamp}`;
  const redisPrefix = `gt_bench_${stamp}`;
  const work = mkdtempSync(join(tmpdir(), 'glitchtip-bench-'));
  log(`${opts.quick ? 'quick' : 'full'} run, mode ${opts.mode}; logs in ${work}`);

  const result: Record<string, unknown> = {
    version: 1,
    mode: opts.mode,
    quick: opts.quick,
    nodeOptions: opts.nodeOptions,
    dataCompression: opts.dataCompression,
    alertRules: opts.alertRules,
    startedAt: new Date().toISOString(),
  };
  const phases: Record<string, PhaseRecord> = {};
  result.phases = phases;
  result.machine = await describeMachine(serverUrl, redisUrl, opts.mode);

  const children: Record<string, Child | null> = {};
  const cpu = new CpuAccounting(
    () => children,
    () => (opts.mode === 'services' ? dbName : null),
    // All-in-one: the main thread (HTTP, queue, worker JavaScript) and the embedded database's thread apart.
    () => {
      const tid = embeddedDatabaseThread(stack?.dataDir ?? null);
      const pid = stack?.api.alive ? stack.api.pid : null;
      return opts.mode === 'all-in-one' && pid
        ? { mainThread: { pid, tid: pid }, ...(tid ? { databaseThread: { pid, tid } } : {}) }
        : {};
    },
  );
  let stack: Stack | null = null;
  let dbCreated = false;
  let redis: Redis | null = null;
  let alertReceiver: AlertReceiver | null = null;

  /**
   * Other people's processes on a shared machine skew everything: before a measured phase, wait (bounded) for
   * a second in which the machine is nearly idle, and record how long that took.
   */
  const waitForQuiet = async (): Promise<{ waitedSec: number; busyCores: number }> => {
    const t0 = performance.now();
    let busy = 0;
    do {
      const a = cpu.snapshot();
      await sleep(1000);
      busy = cpu.between(a, cpu.snapshot()).machine ?? 0;
      if (busy < 0.3) break;
    } while (performance.now() - t0 < d.quietWaitMs);
    const waitedSec = Math.round((performance.now() - t0) / 100) / 10;
    if (busy >= 0.3) log(`  the machine is busy (${busy} cores used before the phase); measuring anyway`);
    return { waitedSec, busyCores: busy };
  };

  const assertAlive = (): void => {
    for (const child of [stack?.api, stack?.worker]) {
      if (child && !child.alive)
        throw new Error(`the ${child.opts.name} process died:\n${child.lastLines()}`);
    }
  };

  /** `--profile PHASE`: SIGWINCH to the api and worker at both edges of that phase (see profiler-preload). */
  const profileEdge = (phase: string): void => {
    if (opts.profile !== phase) return;
    for (const child of [stack?.api, stack?.worker]) if (child?.alive) child.proc.kill('SIGWINCH');
  };

  const measure = async <T extends LoadResult>(
    name: string,
    fn: () => Promise<T>,
    extra: PhaseRecord = {},
  ) => {
    extra.quiet = await waitForQuiet();
    const before: CpuSnapshot = cpu.snapshot();
    profileEdge(name);
    const load = await fn();
    profileEdge(name);
    assertAlive();
    const after = cpu.snapshot();
    const cpuCores = cpu.between(before, after);
    phases[name] = {
      ...extra,
      load,
      cpuCores,
      cpuMsPerEvent: cpuPerEvent(cpuCores, (after.at - before.at) / 1000, load.okTotal),
    };
    return load;
  };

  /** Stops the children and removes the database, Redis keys and files of the run; also on Ctrl-C. */
  let cleaned: Promise<void> | null = null;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      for (const child of Object.values(children)) await child?.stop().catch(() => undefined);
      await alertReceiver?.close();
      // Errors the servers logged during the run (none expected): reported, never hidden.
      result.serverErrors = Object.fromEntries(
        [stack?.api, stack?.worker]
          .filter((c): c is Child => !!c)
          .map((c) => [c.opts.name, { count: c.errorCount, first: c.errorLines }]),
      );
      if (stack?.bull) {
        if (!opts.keep) await stack.bull.obliterate({ force: true }).catch(() => undefined);
        await stack.bull.close().catch(() => undefined);
      }
      if (redis) {
        if (!opts.keep) await deleteKeys(redis, `${redisPrefix}:*`).catch(() => undefined);
        redis.disconnect();
      }
      if (dbCreated && !opts.keep)
        await dropDatabase(serverUrl, dbName).catch((e) => log(`drop failed: ${e}`));
      if (opts.keep)
        log(`kept: database ${databaseUrlFor(serverUrl, dbName)}, Redis prefix ${redisPrefix}, ${work}`);
      else if (stack?.dataDir) rmSync(stack.dataDir, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping and cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // --- Setup ---------------------------------------------------------------------------------------
    if (opts.mode === 'services') {
      await createDatabase(serverUrl, dbName);
      dbCreated = true;
      redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    }
    const port = await freePort();
    stack = await startStack(opts, {
      port,
      serverUrl,
      dbName,
      redisUrl,
      redisPrefix,
      work,
      children,
    });
    const { seed } = stack;
    const target = { host: '127.0.0.1', port };
    const { templates, source } = buildTemplates({
      host: '127.0.0.1',
      port,
      projectId: seed.projectId,
      publicKey: seed.publicKey,
      now: Date.now(),
    });
    result.payloads = describePayloads(templates, source, opts);
    const factory = new RequestFactory(templates, { issues: opts.issues, users: 20_000 });
    const smoke = await smokeTest(target, factory, stack);
    if (opts.alertRules > 0) {
      const receiver = await startAlertReceiver();
      alertReceiver = receiver;
      await createAlertRules(stack, opts.alertRules, receiver.url);
      result.alertDeliveries = receiver.counts;
      log(`${opts.alertRules} alert rules posting to ${receiver.url}`);
    }

    // --- HTTP ceiling: a bare node:http server, same traffic -----------------------------------------
    const ceilingPort = await freePort();
    const ceiling = new Child({
      name: 'ceiling',
      script: CEILING,
      args: [String(ceilingPort)],
      env: { PATH: process.env.PATH },
      logFile: join(work, 'ceiling.log'),
    });
    children.ceiling = ceiling;
    await ceiling.waitForLine(/^listening/, 10_000);
    const ceilingTarget = { host: '127.0.0.1', port: ceilingPort };
    log('HTTP ceiling: warm-up');
    await runClosedLoop(ceilingTarget, factory, { connections: opts.connections, durationMs: 1_000 });
    log(`HTTP ceiling: ${opts.connections} connections for ${d.ceilingMs / 1000} s`);
    const ceilingLoad = await measure('httpCeiling', () =>
      runClosedLoop(ceilingTarget, factory, { connections: opts.connections, durationMs: d.ceilingMs }),
    );
    log(`  ${ceilingLoad.okPerSec} req/s, p99 ${ceilingLoad.latencyMs.p99} ms`);
    log(`HTTP ceiling latency at ${opts.rate}/s`);
    const ceilingLatency = await measure('httpCeilingLatency', () =>
      runOpenLoop(ceilingTarget, factory, {
        ratePerSec: opts.rate,
        durationMs: Math.min(d.latencyMs, 5_000),
      }),
    );
    log(`  p50 ${ceilingLatency.latencyMs.p50} ms, p99 ${ceilingLatency.latencyMs.p99} ms`);
    await ceiling.stop();
    children.ceiling = null;

    // --- Accept: the api alone (queue paused, worker idle) -------------------------------------------
    log(`api warm-up (${d.warmupMs / 1000} s)`);
    const warm = await runClosedLoop(target, factory, {
      connections: opts.connections,
      durationMs: d.warmupMs,
    });
    log(
      `api accept: ${opts.connections} connections for ${d.acceptMs / 1000} s` +
        (stack.bull ? ' (queue paused: the worker does not compete)' : ' (worker in the same process)'),
    );
    const drainStart = performance.now();
    const accept = await measure('accept', () =>
      runClosedLoop(target, factory, { connections: opts.connections, durationMs: d.acceptMs }),
    );
    log(
      `  ${accept.okPerSec} events/s accepted, p50 ${accept.latencyMs.p50} ms, p99 ${accept.latencyMs.p99} ms, ` +
        `statuses ${JSON.stringify(accept.statuses)}`,
    );
    const acceptedTotal = smoke.okTotal + warm.okTotal + accept.okTotal;

    // --- Drain: how fast the worker empties the backlog -----------------------------------------------
    const drainQuiet = stack.bull ? await waitForQuiet() : undefined;
    profileEdge('drain');
    const drain = await measureDrain(stack, cpu, {
      expected: acceptedTotal, // the database is fresh: every accepted event must end up stored
      capMs: d.drainCapMs,
      startedAt: stack.bull ? null : drainStart,
    });
    profileEdge('drain');
    assertAlive();
    phases.drain = { ...drain, quiet: drainQuiet };
    log(
      `  processed ${drain.processed} events in ${drain.seconds.toFixed(1)} s: ${drain.perSec} events/s` +
        (drain.complete ? '' : ' (cap reached, rest discarded)'),
    );

    // --- Latency at a fixed offered rate, worker running ---------------------------------------------
    log(`accept latency at ${opts.rate} events/s offered for ${d.latencyMs / 1000} s (worker running)`);
    const latency = await measure('latency', () =>
      runOpenLoop(target, factory, { ratePerSec: opts.rate, durationMs: d.latencyMs }),
    );
    const afterLatency = await waitIdle(stack, opts.quick ? 10_000 : 60_000);
    phases.latency!.backlogAfter = afterLatency;
    log(
      `  p50 ${latency.latencyMs.p50} ms, p99 ${latency.latencyMs.p99} ms, max ${latency.latencyMs.max} ms, ` +
        `statuses ${JSON.stringify(latency.statuses)}; load generator's own lag p99 ${latency.generatorLagMs?.p99} ms ` +
        `(p99 counted from when requests were due: ${latency.latencyFromDueMs?.p99} ms)`,
    );

    // --- End to end: both running at a fixed offered rate --------------------------------------------
    if (d.sustainedMs > 0) {
      log(`end to end: ${opts.sustainedRate} events/s offered for ${d.sustainedMs / 1000} s`);
      const before = await storedEvents(stack);
      const t0 = performance.now();
      const sustained = await measure('sustained', () =>
        runOpenLoop(target, factory, { ratePerSec: opts.sustainedRate, durationMs: d.sustainedMs }),
      );
      const during = (await storedEvents(stack)) - before;
      const seconds = (performance.now() - t0) / 1000;
      const backlog = await backlogOf(stack);
      const idle = await waitIdle(stack, 60_000);
      phases.sustained = {
        ...phases.sustained,
        processedDuringPhase: during,
        processedPerSec: Math.round(during / seconds),
        backlogAtEnd: backlog,
        secondsToCatchUp: idle.seconds,
      };
      log(
        `  accepted ${sustained.okPerSec}/s, processed ${Math.round(during / seconds)}/s during the phase, ` +
          `backlog at end ${backlog}, p99 ${sustained.latencyMs.p99} ms`,
      );
    }

    // --- Memory -----------------------------------------------------------------------------------------
    const apiPeakRssMb = mb(stack.api.peakRssKb);
    const workerPeakRssMb = stack.worker ? mb(stack.worker.peakRssKb) : 0;

    // --- Storage -----------------------------------------------------------------------------------------
    let storage: StorageFigures | null = null;
    let storageCeil: Awaited<ReturnType<typeof storageCeiling>> | null = null;
    if (stack.databaseUrl) {
      storage = await withClient(stack.databaseUrl, (c) => storageFigures(c));
      log(
        `storage: ${storage.events} events, ${storage.issues} issues, ${storage.bytesPerEvent} B/event ` +
          `(events table ${storage.eventTableBytesPerEvent} B, data column ${storage.dataColumnBytesPerEvent} B)`,
      );
      log(`storage ceiling: bulk insert of ${Math.min(d.storageCeilingRows, storage.events)} stored rows`);
      storageCeil = await storageCeiling(stack.databaseUrl, {
        maxRows: d.storageCeilingRows,
        batchSize: 500,
        connections: 2,
      });
      log(`  ${storageCeil.rowsPerSec} rows/s`);
    } else {
      log('storage figures: not measurable from outside in all-in-one mode (embedded database)');
    }

    // --- Issue list on 1M events / 50k issues ---------------------------------------------------------
    let issueList: IssueListResult | null = null;
    if (!opts.quick) {
      if (!stack.databaseUrl) log('issue list: skipped in all-in-one mode (the dataset is generated in SQL)');
      else issueList = await measureIssueList(stack, opts, work);
    }

    // --- Result --------------------------------------------------------------------------------------------
    Object.assign(result, {
      acceptedPerSec: accept.okPerSec,
      processedPerSec: drain.perSec,
      acceptP50Ms: latency.latencyMs.p50,
      acceptP99Ms: latency.latencyMs.p99,
      acceptP99FromDueMs: latency.latencyFromDueMs?.p99 ?? null,
      loadGeneratorLagP99Ms: latency.generatorLagMs?.p99 ?? null,
      acceptOfferedPerSec: opts.rate,
      httpCeilingPerSec: ceilingLoad.okPerSec,
      httpCeilingP50Ms: ceilingLatency.latencyMs.p50,
      httpCeilingP99Ms: ceilingLatency.latencyMs.p99,
      storageCeilingPerSec: storageCeil?.rowsPerSec ?? null,
      apiPeakRssMb,
      workerPeakRssMb,
      apiPeakAnonMb: mb(stack.api.peakAnonKb),
      workerPeakAnonMb: stack.worker ? mb(stack.worker.peakAnonKb) : 0,
      bytesPerEvent: storage?.bytesPerEvent ?? null,
      ...(phases.sustained
        ? {
            endToEndOfferedPerSec: opts.sustainedRate,
            endToEndAcceptedPerSec: phases.sustained.load!.okPerSec,
            endToEndProcessedPerSec: phases.sustained.processedPerSec,
          }
        : {}),
      ...(issueList
        ? {
            issueListP50Ms: issueList.main.p50,
            issueListP95Ms: issueList.main.p95,
            issueListDataset: issueList.dataset,
            issueListQueries: issueList.queries,
          }
        : {}),
      storage,
      storageCeiling: storageCeil,
      eventsAccepted: acceptedTotal,
      eventsStored: storage?.events ?? null,
    });
    result.ratios = {
      acceptedVsHttpCeiling: round3(accept.okPerSec / Math.max(1, ceilingLoad.okPerSec)),
      processedVsStorageCeiling: storageCeil
        ? round3(drain.perSec / Math.max(1, storageCeil.rowsPerSec))
        : null,
    };
    result.targets = evaluateTargets(result);
  } finally {
    await cleanup();
  }
  result.durationSec = Math.round((performance.now() - started) / 100) / 10;
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
  const markdown = renderMarkdown(result);
  mkdirSync(dirname(opts.markdown), { recursive: true });
  writeFileSync(opts.markdown, markdown);
  console.log(`\n${markdown}`);
  log(`wrote ${opts.out} and ${opts.markdown}`);
  if (!opts.keep) rmSync(work, { recursive: true, force: true });
}

/**
 * CPU milliseconds each component spent per event in a phase: unlike events/s, barely affected by other load on
 * the machine, so it shows whether a change made the code cheaper even when the throughput figures are noisy.
 */
function cpuPerEvent(cores: CpuBreakdown, seconds: number, events: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (events <= 0) return out;
  let ours = 0;
  for (const key of ['bench', 'api', 'worker', 'ceiling', 'postgres', 'redis', 'kernelIrq']) {
    const c = cores[key];
    if (typeof c !== 'number' || c === 0) continue;
    out[key] = Math.round(((c * seconds * 1000) / events) * 1000) / 1000;
    if (key !== 'bench') ours += out[key];
  }
  out.serverSide = Math.round(ours * 1000) / 1000;
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------------------
// Stack

async function startStack(
  opts: Options,
  env: {
    port: number;
    serverUrl: string;
    dbName: string;
    redisUrl: string;
    redisPrefix: string;
    work: string;
    children: Record<string, Child | null>;
  },
): Promise<Stack> {
  const baseUrl = `http://127.0.0.1:${env.port}`;
  const common = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // As deployed (compose.yml, Dockerfile): production mode, which requires a secret key.
    NODE_ENV: 'production',
    SECRET_KEY: BENCH_SECRET,
    PORT: String(env.port),
    HOST: '127.0.0.1',
    GLITCHTIP_DOMAIN: baseUrl,
    LOG_LEVEL: 'warn',
    // The accept phase builds a backlog on purpose; the default 200k would start answering 429.
    INGEST_MAX_BACKLOG: '2000000',
    // --alert-rules: the bench's webhook receiver listens on loopback.
    GLITCHTIP_ALLOW_PRIVATE_IPS: 'true',
  };
  const bootstrapArgs = [
    'bootstrap',
    '--email',
    'bench@example.com',
    '--password',
    'bench-password-1',
    '--org',
    'Bench',
    '--project',
    'Load',
    '--json',
  ];
  if (opts.mode === 'services') {
    const databaseUrl = databaseUrlFor(env.serverUrl, env.dbName);
    const serviceEnv = {
      ...common,
      DATABASE_URL: databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_PREFIX: env.redisPrefix,
    };
    log(`database ${env.dbName}: migrate + bootstrap`);
    const seed = parseSeed(await runNode(MANAGE, bootstrapArgs, serviceEnv));
    if (opts.dataCompression) {
      // What-if experiment, not the shipped schema: recorded in the result.
      await withClient(databaseUrl, async (c) => {
        const parts = await c.query(
          `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'events'`,
        );
        for (const table of ['events', ...parts.rows.map((r: { relname: string }) => r.relname)]) {
          await c.query(`ALTER TABLE ${table} ALTER COLUMN data SET COMPRESSION ${opts.dataCompression}`);
        }
      });
      log(`what-if: events.data compression set to ${opts.dataCompression}`);
    }
    log('starting api and worker');
    const api = new Child({
      name: 'api',
      script: API_MAIN,
      env: {
        ...serviceEnv,
        SERVER_ROLE: 'api',
        MIGRATE_ON_START: 'false',
        ...profilerEnv(opts, env.work, 'api'),
      },
      logFile: join(env.work, 'api.log'),
    });
    env.children.api = api;
    // Paused before the worker starts, so that the accept phase measures the api alone.
    const bull = new Bull('event-ingest', env.redisUrl, { prefix: `${env.redisPrefix}:bull` });
    await bull.isReady();
    await bull.pause();
    // The worker's liveness endpoint tells when it is up, whatever it logs.
    const workerHealthPort = await freePort();
    const worker = new Child({
      name: 'worker',
      script: WORKER_MAIN,
      env: {
        ...serviceEnv,
        SERVER_ROLE: 'worker',
        WORKER_HEALTH_PORT: String(workerHealthPort),
        ...profilerEnv(opts, env.work, 'worker'),
      },
      logFile: join(env.work, 'worker.log'),
    });
    env.children.worker = worker;
    await Promise.all([
      waitForHttp(api, baseUrl, 60_000),
      waitForHttp(worker, `http://127.0.0.1:${workerHealthPort}`, 60_000),
    ]);
    return { mode: 'services', port: env.port, baseUrl, api, worker, databaseUrl, bull, seed, dataDir: null };
  }

  // all-in-one: one process, embedded database, in-process queue, no Redis.
  const dataDir = mkdtempSync(join(tmpdir(), 'glitchtip-bench-data-'));
  const aioEnv = { ...common, GLITCHTIP_DATA_DIR: dataDir };
  log(`all-in-one: bootstrap in ${dataDir}`);
  let seed: Stack['seed'];
  try {
    seed = parseSeed(await runNode(MANAGE, bootstrapArgs, aioEnv));
  } catch (error) {
    throw new AllInOneUnavailable(
      `\`manage bootstrap\` without DATABASE_URL failed, so all-in-one mode (embedded database) is not ` +
        `available in this build:\n${(error as Error).message}`,
    );
  }
  // The all-in-one entry point (npm start): the api's entry point serves the api role alone.
  const api = new Child({
    name: 'api',
    script: ALL_IN_ONE_MAIN,
    env: { ...aioEnv, ...profilerEnv(opts, env.work, 'api') },
    logFile: join(env.work, 'api.log'),
  });
  env.children.api = api;
  try {
    await waitForHttp(api, baseUrl, 90_000);
  } catch (error) {
    throw new AllInOneUnavailable(`the all-in-one server did not start:\n${(error as Error).message}`);
  }
  return {
    mode: 'all-in-one',
    port: env.port,
    baseUrl,
    api,
    worker: null,
    databaseUrl: embeddedEndpoint(dataDir),
    bull: null,
    seed,
    dataDir,
  };
}

class AllInOneUnavailable extends Error {}

/**
 * The embedded database is served on a loopback port, written with its password to `<dataDir>/postgres.json`
 * (so that `manage` can reach it while the server runs): the benchmark counts and sizes through it too.
 */
/** The Linux thread id of the all-in-one process's embedded-database thread, from its endpoint file. */
function embeddedDatabaseThread(dataDir: string | null): number | null {
  if (!dataDir) return null;
  try {
    const e = JSON.parse(readFileSync(join(dataDir, 'postgres.json'), 'utf8')) as { thread?: number | null };
    return e.thread ?? null;
  } catch {
    return null;
  }
}

function embeddedEndpoint(dataDir: string): string | null {
  try {
    const e = JSON.parse(readFileSync(join(dataDir, 'postgres.json'), 'utf8')) as {
      host: string;
      port: number;
      password: string;
    };
    return `postgres://postgres:${encodeURIComponent(e.password)}@${e.host}:${e.port}/postgres`;
  } catch {
    return null;
  }
}

/** NODE_OPTIONS for a child: `--node-options` (e.g. V8 heap flags to try), plus the profiler when asked. */
function profilerEnv(opts: Options, work: string, name: string): Record<string, string | undefined> {
  void work;
  const nodeOptions = [opts.nodeOptions, opts.profile ? `--require ${PROFILER}` : null]
    .filter(Boolean)
    .join(' ');
  return {
    NODE_OPTIONS: nodeOptions || undefined,
    ...(opts.profile
      ? {
          BENCH_PROFILE_DIR: join(dirname(opts.out), 'profiles'),
          BENCH_PROFILE_NAME: `${name}-${opts.profile}`,
        }
      : {}),
  };
}

/** Ready when the server answers HTTP at all (any status): independent of log wording. */
async function waitForHttp(child: Child, baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (!child.alive) throw new Error(`${child.opts.name} exited:\n${child.lastLines()}`);
    const ok = await httpGet(baseUrl, '/api/0/internal/health', '').then(
      () => true,
      () => false,
    );
    if (ok) return;
    if (performance.now() > deadline) {
      throw new Error(`${child.opts.name} did not answer HTTP within ${timeoutMs} ms:\n${child.lastLines()}`);
    }
    await sleep(200);
  }
}

function parseSeed(stdout: string): Stack['seed'] {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error(`manage bootstrap printed no JSON:\n${stdout}`);
  const seed = JSON.parse(line) as Omit<Stack['seed'], 'publicKey'>;
  const publicKey = new URL(seed.dsn).username;
  return { ...seed, publicKey };
}

/** One request of every template must be accepted, or the run is meaningless. */
async function smokeTest(target: { host: string; port: number }, factory: RequestFactory, stack: Stack) {
  const one = new RequestFactory(
    factory.templates.map((t) => ({ ...t, weight: 1 })),
    { issues: 1, users: 1 },
  );
  const res = await runClosedLoop(target, { next: () => one.next() }, { connections: 1, durationMs: 300 });
  const bad = Object.entries(res.statuses).filter(([s]) => s !== '200');
  if (bad.length || res.ok === 0) {
    throw new Error(`smoke test failed: statuses ${JSON.stringify(res.statuses)}\n${stack.api.lastLines()}`);
  }
  return res;
}

// ---------------------------------------------------------------------------------------------------------
// Queue and counts

async function storedEvents(stack: Stack): Promise<number> {
  if (stack.databaseUrl) return withClient(stack.databaseUrl, (c) => countEvents(c));
  return countViaApi(stack);
}

/** All-in-one: the sum of issue counts, read through the REST API. */
async function countViaApi(stack: Stack): Promise<number> {
  let total = 0;
  for (let cursor: string | null = null, pages = 0; pages < 200; pages++) {
    const path =
      `/api/0/projects/${stack.seed.organization}/${stack.seed.project}/issues/?limit=200` +
      (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    const res = await httpGet(stack.baseUrl, path, stack.seed.token);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.slice(0, 200)}`);
    for (const issue of JSON.parse(res.body) as Array<{ count: string }>) total += Number(issue.count);
    const next = /<[^>]*>; rel="next"; results="true"; cursor="([^"]+)"/.exec(res.headers.link ?? '');
    if (!next) break;
    cursor = next[1]!;
  }
  return total;
}

async function backlogOf(stack: Stack): Promise<number> {
  if (!stack.bull) return 0;
  const c = await stack.bull.getJobCounts();
  return c.waiting + c.active + c.delayed + ((c as { paused?: number }).paused ?? 0);
}

async function waitIdle(stack: Stack, timeoutMs: number): Promise<{ seconds: number; backlog: number }> {
  const t0 = performance.now();
  let backlog = await backlogOf(stack);
  while (backlog > 0 && performance.now() - t0 < timeoutMs) {
    await sleep(50);
    backlog = await backlogOf(stack);
  }
  return { seconds: Math.round((performance.now() - t0) / 100) / 10, backlog };
}

interface DrainRecord extends PhaseRecord {
  backlogAtStart: number;
  processed: number;
  seconds: number;
  perSec: number;
  complete: boolean;
  failedJobs: number;
}

async function measureDrain(
  stack: Stack,
  cpu: CpuAccounting,
  o: { expected: number; capMs: number; startedAt: number | null },
): Promise<DrainRecord> {
  if (!stack.bull) {
    // All-in-one: the worker ran during the accept phase; time from the start of the accept phase until
    // everything accepted is stored.
    log('drain: waiting until every accepted event is stored (all-in-one)');
    const before = cpu.snapshot();
    let stored = await storedEvents(stack);
    while (stored < o.expected && performance.now() - o.startedAt! < o.capMs) {
      await sleep(1000);
      stored = await storedEvents(stack);
    }
    const seconds = (performance.now() - o.startedAt!) / 1000;
    const cpuCores = cpu.between(before, cpu.snapshot());
    return {
      backlogAtStart: o.expected,
      processed: stored,
      seconds,
      perSec: Math.round(stored / seconds),
      complete: stored >= o.expected,
      failedJobs: 0,
      // Of the wait after the accept phase only (the accept phase's CPU is in its own record).
      cpuCores,
    };
  }
  const bull = stack.bull;
  const storedAtStart = await storedEvents(stack);
  const queuedJobs = await backlogOf(stack);
  // Jobs hold several events each: count events by what is stored, against what was accepted.
  const backlogAtStart = o.expected - storedAtStart;
  log(`drain: ${backlogAtStart} events queued (${queuedJobs} jobs); resuming the queue`);
  const sampler = stack.databaseUrl ? new PgActivitySampler(stack.databaseUrl) : null;
  sampler?.start();
  const before = cpu.snapshot();
  const t0 = performance.now();
  await bull.resume();
  let backlog = queuedJobs;
  while (backlog > 0 && performance.now() - t0 < o.capMs) {
    await sleep(25);
    backlog = await backlogOf(stack);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuCores = cpu.between(before, cpu.snapshot());
  const postgresActivity = await sampler?.stop();
  const complete = backlog === 0;
  // Capped: what was stored by the cap counts; the rest is discarded so that later phases start clean.
  const storedAtCap = await storedEvents(stack);
  if (!complete) {
    await bull.empty();
    await waitIdle(stack, 30_000);
  }
  const stored = await storedEvents(stack);
  const counts = await bull.getJobCounts();
  const processed = storedAtCap - storedAtStart;
  const lost = complete ? o.expected - stored : null;
  if (lost) log(`  WARNING: ${lost} accepted events are not stored`);
  return {
    backlogAtStart,
    jobsAtStart: queuedJobs,
    processed,
    seconds,
    perSec: Math.round(processed / seconds),
    cpuMsPerEvent: cpuPerEvent(cpuCores, seconds, processed),
    postgresActivity,
    complete,
    acceptedNotStored: lost,
    failedJobs: counts.failed,
    cpuCores,
  };
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

// ---------------------------------------------------------------------------------------------------------
// Issue list

interface IssueListResult {
  dataset: { events: number; issues: number; seedSeconds: number };
  main: { query: string; p50: number; p95: number };
  queries: Array<{
    name: string;
    path: string;
    p50: number;
    p95: number;
    max: number;
    samples: number;
    rows: number;
  }>;
}

async function measureIssueList(stack: Stack, opts: Options, work: string): Promise<IssueListResult> {
  log(`issue list: seeding ${opts.datasetEvents} events / ${opts.datasetIssues} issues in a second project`);
  const seedEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    SECRET_KEY: BENCH_SECRET,
    DATABASE_URL: stack.databaseUrl!,
    GLITCHTIP_DOMAIN: stack.baseUrl,
    LOG_LEVEL: 'warn',
  };
  const big = parseSeed(
    await runNode(
      MANAGE,
      [
        'bootstrap',
        '--email',
        'bench@example.com',
        '--password',
        'bench-password-1',
        '--org',
        'Bench',
        '--project',
        'Issue List',
        '--json',
      ],
      seedEnv,
    ),
  );
  void work;
  const { seconds } = await withClient(stack.databaseUrl!, async (c) => {
    const sample = await c.query(
      `SELECT data::text AS data FROM events WHERE platform = 'node' ORDER BY received DESC LIMIT 1`,
    );
    return seedIssueListDataset(c, {
      projectId: big.projectId,
      events: opts.datasetEvents,
      issues: opts.datasetIssues,
      days: 14,
      sampleData: (sample.rows[0]?.data as string | undefined) ?? null,
      log,
    });
  });
  log(`  seeded in ${seconds.toFixed(0)} s`);
  const base = `/api/0/projects/${big.organization}/${big.project}/issues/`;
  const variants: Array<{ name: string; query: string }> = [
    { name: 'is:unresolved (default UI list)', query: '?query=is%3Aunresolved' },
    { name: 'no filter', query: '' },
    { name: 'is:unresolved, sort by events', query: '?query=is%3Aunresolved&sort=-count' },
    { name: 'is:unresolved level:error', query: '?query=is%3Aunresolved%20level%3Aerror' },
    { name: 'is:unresolved + text "TypeError"', query: '?query=is%3Aunresolved%20TypeError' },
    {
      name: 'is:resolved, page 3',
      query: `?query=is%3Aresolved&cursor=${Buffer.from('o=100&r=0&p=0').toString('base64')}`,
    },
  ];
  const queries: IssueListResult['queries'] = [];
  const samples = 200;
  for (const v of variants) {
    const path = base + v.query;
    let rows = 0;
    for (let i = 0; i < 10; i++) {
      const res = await httpGet(stack.baseUrl, path, big.token);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.slice(0, 300)}`);
      rows = (JSON.parse(res.body) as unknown[]).length;
    }
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      const res = await httpGet(stack.baseUrl, path, big.token);
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) =>
      Math.round(times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]! * 10) / 10;
    queries.push({ name: v.name, path, p50: pct(50), p95: pct(95), max: pct(100), samples, rows });
    log(`  ${v.name}: p50 ${pct(50)} ms, p95 ${pct(95)} ms (${rows} rows)`);
  }
  return {
    dataset: { events: opts.datasetEvents, issues: opts.datasetIssues, seedSeconds: Math.round(seconds) },
    main: { query: variants[0]!.name, p50: queries[0]!.p50, p95: queries[0]!.p95 },
    queries,
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function httpGet(
  baseUrl: string,
  path: string,
  token: string,
): Promise<{ status: number; body: string; headers: Record<string, string | undefined> }> {
  const url = new URL(path, baseUrl);
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        agent,
        headers: { Authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolvePromise({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers as Record<string, string | undefined>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------------------
// Description

function describePayloads(templates: Template[], source: string, opts: Options) {
  const totalWeight = templates.reduce((a, t) => a + t.weight, 0);
  const meanWire = templates.reduce((a, t) => a + t.wire.length * t.weight, 0) / totalWeight;
  const meanEvent = templates.reduce((a, t) => a + t.eventBytes * t.weight, 0) / totalWeight;
  return {
    source,
    distinctIssues: opts.issues,
    users: 20_000,
    meanRequestBytes: Math.round(meanWire),
    meanEventJsonBytes: Math.round(meanEvent),
    gzipShare: round3(templates.filter((t) => t.gzip).reduce((a, t) => a + t.weight, 0) / totalWeight),
    templates: templates.map((t) => ({
      name: t.name,
      sdk: t.sdk,
      endpoint: t.endpoint,
      share: round3(t.weight / totalWeight),
      requestBytes: t.wire.length,
      eventJsonBytes: t.eventBytes,
      gzip: t.gzip,
      chunked: t.chunked,
    })),
  };
}

async function describeMachine(serverUrl: string, redisUrl: string, mode: Options['mode']) {
  const cpuInfo = cpus();
  const machine: Record<string, unknown> = {
    cpuModel: cpuInfo[0]?.model ?? 'unknown',
    cores: cpuInfo.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: kernelRelease(),
    node: process.version,
    sharedByEverything: true,
  };
  if (mode === 'services') {
    machine.postgres = await withClient(serverUrl, async (c) => {
      const v = await c.query('SHOW server_version');
      const s = await c.query('SHOW synchronous_commit');
      const b = await c.query('SHOW shared_buffers');
      return `${v.rows[0].server_version} (synchronous_commit=${s.rows[0].synchronous_commit}, shared_buffers=${b.rows[0].shared_buffers})`;
    }).catch((e: Error) => `unreachable: ${e.message}`);
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      const info = await redis.info('server');
      machine.redis = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
      const persistence = await redis.info('persistence');
      machine.redis += /aof_enabled:1/.test(persistence) ? ' (AOF on)' : ' (AOF off)';
    } catch (e) {
      machine.redis = `unreachable: ${(e as Error).message}`;
    } finally {
      redis.disconnect();
    }
  }
  try {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    machine.glitchtipTs = pkg.version;
  } catch {
    // not important
  }
  return machine;
}

// ---------------------------------------------------------------------------------------------------------
// Targets

function evaluateTargets(r: Record<string, unknown>) {
  const n = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : null);
  const check = (value: number | null, ok: (v: number) => boolean) => (value === null ? null : ok(value));
  const rss = (n('apiPeakRssMb') ?? 0) + (n('workerPeakRssMb') ?? 0);
  return {
    acceptedAtLeast5000: check(n('acceptedPerSec'), (v) => v >= 5000),
    processedAtLeast2000: check(n('processedPerSec'), (v) => v >= 2000),
    acceptP99Under25MsAt1000: check(n('acceptP99Ms'), (v) => v < 25 && n('acceptOfferedPerSec') === 1000),
    apiPlusWorkerRssUnder300Mb: check(rss, (v) => v < 300),
    issueListP95Under50Ms: check(n('issueListP95Ms'), (v) => v < 50),
  };
}

main().catch((error: unknown) => {
  if (error instanceof AllInOneUnavailable) {
    console.error(`\nall-in-one mode is not available: ${error.message}`);
    process.exit(3);
  }
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});

// ---------------------------------------------------------------------------------------------------------
// Alert rules (--alert-rules N)

interface AlertReceiver {
  url: string;
  counts: { requests: number };
  close(): Promise<void>;
}

/** A local webhook receiver that answers 200 and counts what it was sent. */
async function startAlertReceiver(): Promise<AlertReceiver> {
  const counts = { requests: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      counts.requests++;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    counts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Rules as a team would set them: one firing on every new issue, others on bursts of increasing size, so that
 * some fire during the run and the rest are evaluated without firing.
 */
async function createAlertRules(stack: Stack, count: number, webhookUrl: string): Promise<void> {
  const quantities = [1, 10, 100, 1000, 10000];
  for (let i = 0; i < count; i++) {
    const res = await fetch(
      new URL(`/api/0/projects/${stack.seed.organization}/${stack.seed.project}/alerts/`, stack.baseUrl),
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${stack.seed.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: `bench rule ${i + 1}`,
          timespanMinutes: 60,
          quantity: quantities[i % quantities.length],
          uptime: false,
          alertRecipients: [{ recipientType: 'webhook', url: webhookUrl }],
        }),
      },
    );
    if (res.status !== 201)
      throw new Error(`creating alert rule ${i + 1}: ${res.status} ${await res.text()}`);
  }
}
