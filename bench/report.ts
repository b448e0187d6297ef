/** Renders a bench result (the JSON written by run-bench) as the Markdown table the README quotes. */

type R = Record<string, unknown>;

const fmt = (n: unknown, digits = 0): string =>
  typeof n === 'number' && Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
    : '–';
const pct = (a: unknown, b: unknown): string =>
  typeof a === 'number' && typeof b === 'number' && b > 0 ? `${Math.round((a / b) * 100)}%` : '–';
const mark = (ok: unknown): string => (ok === true ? '✅' : ok === false ? '❌' : '–');

const key0 = (c: R): boolean => Object.keys(c).length > 0;

export function renderMarkdown(r: R): string {
  const machine = (r.machine ?? {}) as R;
  const phases = (r.phases ?? {}) as Record<string, R>;
  const targets = (r.targets ?? {}) as R;
  const payloads = (r.payloads ?? {}) as R;
  const storage = (r.storage ?? null) as R | null;
  const drain = (phases.drain ?? {}) as R;
  const accept = (phases.accept ?? {}) as R;
  const acceptLoad = (accept.load ?? {}) as R;
  const sustained = phases.sustained as R | undefined;
  const aio = r.mode === 'all-in-one';
  const rssTotal = (Number(r.apiPeakRssMb) || 0) + (Number(r.workerPeakRssMb) || 0);

  const lines: string[] = [];
  lines.push(
    `**GlitchTip-TS ingest benchmark** — ${r.quick ? 'quick' : 'full'} run, ${r.mode} mode, ` +
      `${String(r.startedAt ?? '')
        .slice(0, 16)
        .replace('T', ' ')} UTC`,
  );
  const deviations = [
    r.dataCompression
      ? `events.data compressed with ${String(r.dataCompression)} (what-if, not the shipped schema)`
      : null,
    r.nodeOptions ? `NODE_OPTIONS="${String(r.nodeOptions)}" for the api and worker` : null,
    Number(r.alertRules) > 0
      ? `${String(r.alertRules)} alert rules on the project (webhook receiver got ` +
        `${String((r.alertDeliveries as { requests?: number } | undefined)?.requests ?? 0)} requests)`
      : null,
  ].filter(Boolean);
  if (deviations.length) {
    lines.push('');
    lines.push(`**Deviations from the defaults:** ${deviations.join('; ')}.`);
  }
  lines.push('');
  lines.push(
    `Machine: ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGb} GB RAM, Linux ${machine.kernel}, ` +
      `Node ${machine.node}` +
      (machine.postgres ? `, PostgreSQL ${machine.postgres}` : '') +
      (machine.redis ? `, Redis ${machine.redis}` : '') +
      '. Load generator, api, worker, PostgreSQL and Redis all share these cores.',
  );
  lines.push('');
  lines.push(
    `Traffic: ${payloads.source === undefined ? '?' : String(payloads.source).startsWith('sdk') ? 'real SDK captures' : 'synthetic SDK-shaped payloads'} ` +
      `(Node, browser and Python SDKs; ${Math.round(Number(payloads.gzipShare) * 100)}% gzipped; mean ` +
      `${fmt(payloads.meanRequestBytes)} B on the wire, ${fmt(payloads.meanEventJsonBytes)} B of event JSON), ` +
      `one error event per request, unique event ids, ${fmt(payloads.distinctIssues)} distinct issues (skewed), ` +
      `${fmt(payloads.users)} users.`,
  );
  lines.push('');
  lines.push('| metric | GlitchTip-TS | ceiling, same run | share of ceiling | target |');
  lines.push('|---|---:|---:|---:|---|');
  lines.push(
    `| events/s accepted (${aio ? 'worker busy in the same process' : 'api alone, queue paused'}, ` +
      `${acceptLoad.durationSec ?? '?'} s closed loop) | **${fmt(r.acceptedPerSec)}** | ` +
      `${fmt(r.httpCeilingPerSec)} (bare \`node:http\`) | ${pct(r.acceptedPerSec, r.httpCeilingPerSec)} | ` +
      `≥ 5,000 ${mark(targets.acceptedAtLeast5000)} |`,
  );
  lines.push(
    (aio
      ? `| events/s processed (${fmt(drain.backlogAtStart)} events, from the start of the accept phase until all stored) | `
      : `| events/s processed (worker draining ${fmt(drain.backlogAtStart)} queued${drain.complete === false ? ', capped' : ''}) | `) +
      `**${fmt(r.processedPerSec)}** | ${r.storageCeilingPerSec == null ? '–' : `${fmt(r.storageCeilingPerSec)} rows/s (bulk insert)`} | ` +
      `${pct(r.processedPerSec, r.storageCeilingPerSec)} | ≥ 2,000 ${mark(targets.processedAtLeast2000)} |`,
  );
  if (sustained) {
    const load = (sustained.load ?? {}) as R;
    const lat = (load.latencyMs ?? {}) as R;
    lines.push(
      `| end to end at ${fmt(r.endToEndOfferedPerSec)} ev/s offered (api + worker together) | ` +
        `**${fmt(r.endToEndAcceptedPerSec)}** accepted/s, **${fmt(r.endToEndProcessedPerSec)}** processed/s, ` +
        `p99 ${fmt(lat.p99, 1)} ms | – | – | sustains 2,000 ${mark(Number(r.endToEndProcessedPerSec) >= 0.97 * Number(r.endToEndOfferedPerSec) && Number(r.endToEndOfferedPerSec) >= 2000)} |`,
    );
  }
  lines.push(
    `| accept latency p50 / p99 at ${fmt(r.acceptOfferedPerSec)} ev/s offered (open loop, worker running) | ` +
      `**${fmt(r.acceptP50Ms, 1)} / ${fmt(r.acceptP99Ms, 1)} ms** (p99 ${fmt(r.acceptP99FromDueMs, 1)} ms counting the load generator's own lag) | ` +
      `${fmt(r.httpCeilingP50Ms, 1)} / ${fmt(r.httpCeilingP99Ms, 1)} ms | – | ` +
      `p99 < 25 ms ${mark(targets.acceptP99Under25MsAt1000)} |`,
  );
  lines.push(
    (aio
      ? `| peak RSS of the one process (api, worker, embedded PostgreSQL) | **${fmt(rssTotal)} MB** | – | – | `
      : `| peak RSS api + worker | **${fmt(r.apiPeakRssMb)} + ${fmt(r.workerPeakRssMb)} = ${fmt(rssTotal)} MB** | – | – | `) +
      `< 300 MB ${mark(targets.apiPlusWorkerRssUnder300Mb)} |`,
  );
  lines.push(
    `| bytes stored per event (events + issues + aggregates, indexes included) | **${fmt(r.bytesPerEvent)} B** | – | – | – |`,
  );
  if (r.issueListP95Ms !== undefined) {
    const ds = (r.issueListDataset ?? {}) as R;
    lines.push(
      `| issue list p50 / p95, \`is:unresolved\` (${fmt(ds.events)} events / ${fmt(ds.issues)} issues) | ` +
        `**${fmt(r.issueListP50Ms, 1)} / ${fmt(r.issueListP95Ms, 1)} ms** | – | – | p95 < 50 ms ${mark(targets.issueListP95Under50Ms)} |`,
    );
  } else {
    lines.push(
      '| issue list p95 (1M events / 50k issues) | not measured (quick run) | – | – | p95 < 50 ms |',
    );
  }
  lines.push('');
  lines.push(
    'Peers, their own published figures (../shared/docs/peers.md): Bugsink 30 events/s and Telebugs ~50 events/s, ' +
      'each on 2 vCPU; GlitchTip publishes none.',
  );

  const queries = r.issueListQueries as R[] | undefined;
  if (queries?.length) {
    lines.push('');
    lines.push('| issue list query | p50 | p95 | max | rows |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const q of queries)
      lines.push(
        `| ${q.name} | ${fmt(q.p50, 1)} ms | ${fmt(q.p95, 1)} ms | ${fmt(q.max, 1)} ms | ${q.rows} |`,
      );
  }

  lines.push('');
  lines.push('Where the CPU went (cores used, of 2):');
  lines.push('');
  const threadsKnown =
    aio && Object.values(phases).some((p) => (p?.cpuCores as R | undefined)?.databaseThread !== undefined);
  if (threadsKnown) {
    // One process: its main thread (HTTP, queue, worker JavaScript), the embedded database's thread, and the
    // rest (V8's garbage collector and compiler threads, libuv's pool).
    lines.push(
      '| phase | load generator | main thread (HTTP + worker) | database thread (PGlite) | other threads | kernel (net) | other | total |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  }
  if (!threadsKnown) {
    lines.push(
      '| phase | load generator | api | worker | PostgreSQL | Redis | kernel (net) | other | total |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  }
  const names: Record<string, string> = {
    httpCeiling: 'HTTP ceiling (bare server)',
    accept: aio ? 'accept (api + worker, one process)' : 'accept (api alone)',
    drain: aio ? 'until all stored (one process)' : 'drain (worker alone)',
    latency: `latency @ ${fmt(r.acceptOfferedPerSec)}/s`,
    sustained: `end to end @ ${fmt(r.endToEndOfferedPerSec)}/s`,
  };
  for (const [key, label] of Object.entries(names)) {
    const c = phases[key]?.cpuCores as R | undefined;
    if (!c) continue;
    const api = key === 'httpCeiling' ? c.ceiling : c.api;
    if (threadsKnown) {
      const main = Number(c.mainThread ?? 0);
      const database = Number(c.databaseThread ?? 0);
      const rest = key === 'httpCeiling' ? undefined : Math.max(0, Number(api ?? 0) - main - database);
      lines.push(
        `| ${label} | ${fmt(c.bench, 2)} | ${key === 'httpCeiling' ? fmt(api, 2) : fmt(main, 2)} | ` +
          `${key === 'httpCeiling' ? '–' : fmt(database, 2)} | ${rest === undefined ? '–' : fmt(rest, 2)} | ` +
          `${fmt(c.kernelIrq, 2)} | ${fmt(c.other, 2)} | ${fmt(c.machine, 2)} |`,
      );
      continue;
    }
    lines.push(
      `| ${label} | ${fmt(c.bench, 2)} | ${fmt(api, 2)} | ${fmt(c.worker, 2)} | ${fmt(c.postgres, 2)} | ${fmt(c.redis, 2)} | ` +
        `${fmt(c.kernelIrq, 2)} | ${fmt(c.other, 2)} | ${fmt(c.machine, 2)} |`,
    );
  }
  const perEvent = Object.entries(names)
    .map(([key, label]) => ({ label, c: phases[key]?.cpuMsPerEvent as R | undefined }))
    .filter((p) => p.c && key0(p.c));
  if (perEvent.length) {
    lines.push('');
    lines.push(
      'CPU time per event, ms (robust to other load on the machine; 1 core-second = 1,000 ms, so 2 cores sustain ' +
        'at most 2,000 / total events/s):',
    );
    lines.push('');
    lines.push(
      '| phase | api | worker | PostgreSQL | Redis | kernel (net) | server total | load generator |',
    );
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const { label, c } of perEvent) {
      lines.push(
        `| ${label} | ${fmt(c!.api ?? c!.ceiling, 3)} | ${fmt(c!.worker, 3)} | ${fmt(c!.postgres, 3)} | ${fmt(c!.redis, 3)} | ` +
          `${fmt(c!.kernelIrq, 3)} | ${fmt(c!.serverSide, 3)} | ${fmt(c!.bench, 3)} |`,
      );
    }
  }
  const activity = drain.postgresActivity as
    { busySamples: number; top: Array<{ what: string; share: number }> } | undefined;
  if (activity?.top?.length) {
    lines.push('');
    lines.push(
      "What the worker's PostgreSQL sessions were doing during the drain (share of `pg_stat_activity` samples of a " +
        'busy session, every 50 ms):',
    );
    lines.push('');
    lines.push('| activity | share |');
    lines.push('|---|---:|');
    for (const a of activity.top.slice(0, 8))
      lines.push(`| ${a.what.replace(/\|/g, '/')} | ${Math.round(a.share * 100)}% |`);
  }
  const noisy = Object.entries(names)
    .map(([key, label]) => ({ label, other: Number((phases[key]?.cpuCores as R | undefined)?.other ?? 0) }))
    .filter((p) => p.other >= 0.25);
  if (noisy.length) {
    lines.push('');
    lines.push(
      `⚠️ Processes outside the benchmark used CPU during: ${noisy.map((p) => `${p.label} (${p.other} cores)`).join(', ')}; ` +
        'the figures of those phases are understated.',
    );
  }
  const errors = Object.entries((r.serverErrors ?? {}) as Record<string, { count: number }>).filter(
    ([, e]) => e.count > 0,
  );
  if (errors.length) {
    lines.push('');
    lines.push(
      `⚠️ Errors logged during the run: ${errors.map(([n, e]) => `${n} ${e.count}`).join(', ')} (see the JSON).`,
    );
  }
  if (storage) {
    lines.push('');
    lines.push(
      `Stored: ${fmt(storage.events)} events in ${fmt(storage.issues)} issues; events table ${fmt(storage.eventTableBytesPerEvent)} B/event ` +
        `(the \`data\` jsonb ${fmt(storage.dataColumnBytesPerEvent)} B after TOAST compression).` +
        (drain.acceptedNotStored ? ` **${drain.acceptedNotStored} accepted events were not stored.**` : ''),
    );
  }
  return `${lines.join('\n')}\n`;
}
