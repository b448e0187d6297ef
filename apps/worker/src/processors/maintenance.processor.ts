import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, createJobQueue, JobQueue, QueueName } from '@app/core';
import { IssuesService, UserReportsMaintenance } from '@app/issues';
import { PartitionsRepository } from '@app/partitioning';

export const MaintenanceJob = { Partitions: 'partitions' } as const;

/** Partition upkeep as a queued job, so that however many workers run, each tick runs once. */
@Injectable()
export class MaintenanceProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  readonly queue: JobQueue;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partitions: PartitionsRepository,
    private readonly issues: IssuesService,
    private readonly userReports: UserReportsMaintenance,
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
    const created = await this.partitions.ensurePartitions();
    const dropped = await this.partitions.dropExpiredPartitions(this.config.maxEventLifeDays);
    const deletedIssues = await this.issues.deleteIssuesWithoutEvents(this.config.maxEventLifeDays);
    const userReports = await this.userReports.run(this.config.maxEventLifeDays);
    this.logger.log(
      `partitions ensured; dropped ${dropped.length}; deleted ${deletedIssues} empty issues; user reports: ` +
        `${userReports.linked} linked, ${userReports.deleted} expired`,
    );
    return { created, dropped, deletedIssues, userReports };
  }
}
