import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, createJobQueue, IngestJobData, JobQueue } from '@app/core';
import { AlertDeliveryService, AlertEvaluationService } from '@app/alerts';

export const ALERT_QUEUE = 'alert-delivery';
export const AlertJob = { Deliver: 'deliver', Sweep: 'sweep' } as const;

/**
 * Alerts in the worker: rules are evaluated after each stored batch, deliveries run as jobs of their own queue,
 * and a timer (ALERT_POLL_INTERVAL_MS) enqueues the retries that became due and a sweep of recently seen issues.
 */
@Injectable()
export class AlertsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertsProcessor.name);
  readonly queue: JobQueue;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly evaluation: AlertEvaluationService,
    private readonly delivery: AlertDeliveryService,
  ) {
    this.queue = createJobQueue(config, ALERT_QUEUE);
  }

  async onApplicationBootstrap(): Promise<void> {
    void this.queue.process(AlertJob.Deliver, 1, () => this.delivery.deliverDue());
    void this.queue.process(AlertJob.Sweep, 1, () => this.evaluation.sweep());
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
      if (created) await this.enqueue(AlertJob.Deliver);
    } catch (error) {
      this.logger.error(`alert evaluation after a batch failed: ${(error as Error).message}`);
    }
  }

  private async tick(): Promise<void> {
    try {
      await this.enqueue(AlertJob.Deliver);
      await this.enqueue(AlertJob.Sweep);
    } catch (error) {
      this.logger.warn(`could not enqueue alert jobs: ${(error as Error).message}`);
    }
  }

  /** One job per name and poll interval: replicas enqueueing in the same interval add one. */
  private async enqueue(name: string): Promise<void> {
    const slot = Math.floor(Date.now() / this.config.alerts.pollIntervalMs);
    const extra = name === AlertJob.Deliver ? `:${Date.now()}` : '';
    await this.queue.add(name, {}, { jobId: `${name}:${slot}${extra}`, removeOnComplete: 100 });
  }
}
