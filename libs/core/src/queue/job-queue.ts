import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { createBullQueue } from './bull-ingest-queue';

/**
 * A small named-job queue (the part of Bull's API the maintenance jobs use): Bull on Redis, or an in-process
 * stand-in when there is no Redis (all-in-one mode, a single process). A job id already added is not added again.
 */
export interface JobQueue {
  add(name: string, data: object, options: { jobId: string; removeOnComplete?: number }): Promise<unknown>;
  process(
    name: string,
    concurrency: number,
    handler: (job?: { data?: any }) => Promise<unknown>,
  ): Promise<void>;
  isReady(): Promise<unknown>;
  close(): Promise<void>;
}

export function createJobQueue(config: AppConfig, name: string): JobQueue {
  return config.redisUrl ? createBullQueue(config, name) : new InProcessJobQueue(name);
}

const ATTEMPTS = 3;
const REMEMBERED_IDS = 1000;

/** Runs jobs one at a time in this process, retrying a failed job a few times. */
export class InProcessJobQueue implements JobQueue {
  private readonly logger: Logger;
  private readonly handlers = new Map<string, () => Promise<unknown>>();
  private readonly seen = new Set<string>();
  private readonly jobs: Array<{ name: string; jobId: string }> = [];
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(name: string) {
    this.logger = new Logger(`JobQueue:${name}`);
  }

  async add(name: string, _data: object, options: { jobId: string }): Promise<void> {
    if (this.closed || this.seen.has(options.jobId)) return;
    this.seen.add(options.jobId);
    if (this.seen.size > REMEMBERED_IDS) this.seen.delete(this.seen.values().next().value!);
    this.jobs.push({ name, jobId: options.jobId });
    this.kick();
  }

  async process(name: string, _concurrency: number, handler: () => Promise<unknown>): Promise<void> {
    this.handlers.set(name, handler);
    this.kick();
  }

  async isReady(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private kick(): void {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
  }

  private async run(): Promise<void> {
    while (!this.closed && this.jobs.length) {
      const handler = this.handlers.get(this.jobs[0]!.name);
      if (!handler) return; // runs once a processor registers
      const job = this.jobs.shift()!;
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        try {
          await handler();
          break;
        } catch (error) {
          this.logger.error(
            `job ${job.jobId} failed (attempt ${attempt} of ${ATTEMPTS}): ${(error as Error).message}`,
          );
          if (attempt < ATTEMPTS && !this.closed) await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
    }
  }
}
