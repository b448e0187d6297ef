import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AlertsModule } from '@app/alerts';
import {
  AppConfig,
  ConfigModule,
  DatabaseModule,
  IngestConsumerModule,
  JobMapModule,
  RedisModule,
} from '@app/core';
import { IngestJobs, IngestModule } from '@app/ingest';
import { IssuesModule } from '@app/issues';
import { PartitioningModule } from '@app/partitioning';
import { AlertJobs, AlertsProcessor } from './processors/alerts.processor';
import { EventIngestProcessor } from './processors/event-ingest.processor';
import { MaintenanceJobs, MaintenanceProcessor } from './processors/maintenance.processor';
import { MaintenanceSchedule } from './schedules/maintenance.schedule';

/** The worker: queue consumers and schedules, no HTTP routes besides a health probe. */
@Module({})
export class WorkerModule {
  /**
   * `shared` is true when the api module in the same process (all-in-one) already provides config, database, the
   * shared store and the ingest queue, whose in-process consumer the worker then uses.
   */
  static forRoot(config: AppConfig, shared = false): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ...(shared ? [] : [ConfigModule.forRoot(config), DatabaseModule.forRoot(), RedisModule]),
        ScheduleModule.forRoot(),
        IngestConsumerModule.forRoot(),
        // Every job this process consumes; the boot fails unless each has exactly one handler.
        JobMapModule.forRoot([
          IngestJobs.Batch,
          MaintenanceJobs.Partitions,
          AlertJobs.Deliver,
          AlertJobs.Sweep,
        ]),
        IngestModule,
        IssuesModule,
        PartitioningModule,
        AlertsModule,
      ],
      providers: [EventIngestProcessor, MaintenanceProcessor, MaintenanceSchedule, AlertsProcessor],
    };
  }
}
