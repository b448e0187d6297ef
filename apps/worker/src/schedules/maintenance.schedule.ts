import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { MaintenanceProcessor } from '../processors/maintenance.processor';

/** Schedules only enqueue; the work is a normal job. */
@Injectable()
export class MaintenanceSchedule implements OnApplicationBootstrap {
  constructor(private readonly maintenance: MaintenanceProcessor) {}

  async onApplicationBootstrap(): Promise<void> {
    // On start too, so that a worker that was down over midnight catches up at once.
    await this.maintenance.enqueuePartitionMaintenance(`boot:${new Date().toISOString().slice(0, 13)}`);
  }

  @Cron('5 */6 * * *')
  async partitions(): Promise<void> {
    await this.maintenance.enqueuePartitionMaintenance(new Date().toISOString().slice(0, 13));
  }
}
