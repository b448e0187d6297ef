import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, createJobQueue, JobQueue, QueueName } from '@app/core';
import { maintainUserReports } from '@app/issues';
import { deleteIssuesWithoutEvents, dropExpiredPartitions, ensurePartitions } from '@app/partitioning';

export const MaintenanceJob = { Partitions: 'partitions' } as const;

/** Partition upkeep as a queued job, so that however many workers run, each tick runs once. */
@Injectable()
export class MaintenanceProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  readonly queue: JobQueue;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.queue = createJobQueue(config, QueueName.Maintenance);
  }

  async onApplicationBootstrap(): Promise<void> {
    void this.queue.process(MaintenanceJob.Partitions, 1, () => this.maintainPartitions());
    await this.queue.isReady();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  /** Deterministic job id per tick: replicas enqueueing the same tick add one job. */
  async enqueuePartitionMaintenance(tick: string): Promise<void> {
    await this.queue.add(
      MaintenanceJob.Partitions,
      {},
      { jobId: `partitions:${tick}`, removeOnComplete: 50 },
    );
  }

  async maintainPartitions(): Promise<{
    created: string[];
    dropped: string[];
    deletedIssues: number;
    userReports: { linked: number; deleted: number };
  }> {
    const created = await ensurePartitions(this.dataSource);
    const dropped = await dropExpiredPartitions(this.dataSource, this.config.maxEventLifeDays);
    const deletedIssues = await deleteIssuesWithoutEvents(this.dataSource, this.config.maxEventLifeDays);
    const userReports = await maintainUserReports(this.dataSource, this.config.maxEventLifeDays);
    this.logger.log(
      `partitions ensured; dropped ${dropped.length}; deleted ${deletedIssues} empty issues; user reports: ` +
        `${userReports.linked} linked, ${userReports.deleted} expired`,
    );
    return { created, dropped, deletedIssues, userReports };
  }
}
