import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig, createJobQueue, declareJob, JobMap, JobQueue, QueueName } from '@app/core';
import { IssuesService, UserReportsMaintenance } from '@app/issues';
import { PartitionsRepository } from '@app/partitioning';

/** The jobs of the maintenance queue (they carry no payload). */
export const MaintenanceJobs = {
  Partitions: declareJob<Record<string, never>>(QueueName.Maintenance, 'partitions'),
} as const;

/** Partition upkeep as a queued job, so that however many workers run, each tick runs once. */
@Injectable()
export class MaintenanceProcessor implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  readonly queue: JobQueue;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partitions: PartitionsRepository,
    private readonly issues: IssuesService,
    private readonly userReports: UserReportsMaintenance,
    private readonly jobs: JobMap,
  ) {
    this.queue = createJobQueue(config, QueueName.Maintenance);
  }

  onModuleInit(): void {
    this.jobs.handle(MaintenanceJobs.Partitions, () => this.maintainPartitions());
  }

  async onApplicationBootstrap(): Promise<void> {
    const partitions = MaintenanceJobs.Partitions;
    const handler = this.jobs.handlerOf(partitions);
    void this.queue.process(partitions.name, 1, (job?: { data?: Record<string, never> }) =>
      handler(job?.data ?? {}),
    );
    await this.queue.isReady();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  /** Deterministic job id per tick: replicas enqueueing the same tick add one job. */
  async enqueuePartitionMaintenance(tick: string): Promise<void> {
    await this.queue.add(MaintenanceJobs.Partitions.name, {} satisfies Record<string, never>, {
      jobId: `partitions:${tick}`,
      removeOnComplete: 50,
    });
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
