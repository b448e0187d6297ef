import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig, createJobQueue, declareJob, JobMap, JobQueue } from '@app/core';
import { IngestJobData } from '@app/ingest';
import { AlertDeliveryService, AlertEvaluationService } from '@app/alerts';

export const ALERT_QUEUE = 'alert-delivery';
/** The jobs of the alert-delivery queue (they carry no payload: each claims what is due). */
export const AlertJobs = {
  Deliver: declareJob<Record<string, never>>(ALERT_QUEUE, 'deliver'),
  Sweep: declareJob<Record<string, never>>(ALERT_QUEUE, 'sweep'),
} as const;

/**
 * Alerts in the worker: rules are evaluated after each stored batch, deliveries run as jobs of their own queue,
 * and a timer (ALERT_POLL_INTERVAL_MS) enqueues the retries that became due and a sweep of recently seen issues.
 */
@Injectable()
export class AlertsProcessor implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertsProcessor.name);
  readonly queue: JobQueue;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly evaluation: AlertEvaluationService,
    private readonly delivery: AlertDeliveryService,
    private readonly jobs: JobMap,
  ) {
    this.queue = createJobQueue(config, ALERT_QUEUE);
  }

  onModuleInit(): void {
    this.jobs.handle(AlertJobs.Deliver, () => this.delivery.deliverDue());
    this.jobs.handle(AlertJobs.Sweep, () => this.evaluation.sweep());
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const job of [AlertJobs.Deliver, AlertJobs.Sweep]) {
      const handler = this.jobs.handlerOf(job);
      void this.queue.process(job.name, 1, () => handler({}));
    }
    await this.queue.isReady();
    const interval = this.config.alerts.pollIntervalMs;
    this.timer = setInterval(() => void this.tick(), interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue.close();
  }

  /** After a batch commit: never throws, since the batch is stored; the sweep catches what this misses. */
  async afterBatch(jobs: IngestJobData[], regressedIssueIds: string[]): Promise<void> {
    if (jobs.length === 0) return;
    try {
      const created = await this.evaluation.afterBatch({
        projectIds: [...new Set(jobs.map((j) => String(j.projectId)))],
        receivedSince: new Date(Math.min(...jobs.map((j) => j.receivedAt))),
        regressedIssueIds,
      });
      if (created) await this.enqueue(AlertJobs.Deliver.name);
    } catch (error) {
      this.logger.error(`alert evaluation after a batch failed: ${(error as Error).message}`);
    }
  }

  private async tick(): Promise<void> {
    try {
      await this.enqueue(AlertJobs.Deliver.name);
      await this.enqueue(AlertJobs.Sweep.name);
    } catch (error) {
      this.logger.warn(`could not enqueue alert jobs: ${(error as Error).message}`);
    }
  }

  /** One job per name and poll interval: replicas enqueueing in the same interval add one. */
  private async enqueue(name: string): Promise<void> {
    const slot = Math.floor(Date.now() / this.config.alerts.pollIntervalMs);
    const extra = name === AlertJobs.Deliver.name ? `:${Date.now()}` : '';
    await this.queue.add(name, {}, { jobId: `${name}:${slot}${extra}`, removeOnComplete: 100 });
  }
}
