import { Client } from 'pg';

export interface ActivityShare {
  /** What the worker's PostgreSQL sessions were doing: a statement, waiting for a lock, or for the worker. */
  what: string;
  /** Share of the samples in which a session was busy at all. */
  share: number;
}

/**
 * Samples `pg_stat_activity` for the worker's sessions of one database every `intervalMs` while a phase runs:
 * which statements PostgreSQL spends the batch transactions on, and how much of the time a transaction sits
 * waiting for the worker (`idle in transaction`) or for a lock held by another batch. Cheap (one catalog query
 * per sample), so it stays on during the measured drain.
 */
export class PgActivitySampler {
  private readonly counts = new Map<string, number>();
  private busySamples = 0;
  private samples = 0;
  private running = false;
  private loop: Promise<void> | null = null;

  /** `databaseUrl`: the database whose sessions to watch. */
  constructor(
    private readonly databaseUrl: string,
    private readonly intervalMs = 50,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<{ samples: number; busySamples: number; top: ActivityShare[] }> {
    this.running = false;
    await this.loop;
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0) || 1;
    const top = [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([what, n]) => ({ what, share: Math.round((n / total) * 1000) / 1000 }));
    return { samples: this.samples, busySamples: this.busySamples, top };
  }

  private async run(): Promise<void> {
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'glitchtip-bench-sampler',
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      while (this.running) {
        const { rows } = await client.query<{ state: string; wait: string | null; query: string }>(
          `SELECT state, wait_event_type || ':' || wait_event AS wait, left(query, 60) AS query
             FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'glitchtip-worker' AND state <> 'idle'`,
        );
        this.samples++;
        if (rows.length) this.busySamples++;
        for (const row of rows) {
          const statement = row.query.replace(/\s+/g, ' ').trim().split(' ').slice(0, 3).join(' ');
          const key =
            row.state === 'idle in transaction'
              ? 'idle in transaction (waiting for the worker)'
              : row.wait?.startsWith('Lock:')
                ? `lock wait (${row.wait}) in ${statement}`
                : `${statement}${row.wait && !row.wait.startsWith('Client') ? ` [${row.wait}]` : ''}`;
          this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        }
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    } catch {
      // Sampling is best effort: a failure leaves the counts gathered so far.
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
