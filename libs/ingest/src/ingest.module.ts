import { Module } from '@nestjs/common';
import { EventsModule } from '@app/events';
import { IssuesModule } from '@app/issues';
import { PartitioningModule } from '@app/partitioning';
import { ProjectsModule } from '@app/projects';
import { IngestOutcomesModule } from './outcomes/ingest-outcomes.module';
import { EventBatchWriter } from './process/event-batch-writer';
import { EventIngestService } from './process/event-ingest.service';
import { ProcessingFailuresRepository } from './process/processing-failures.repository';

@Module({
  imports: [EventsModule, IssuesModule, ProjectsModule, PartitioningModule, IngestOutcomesModule],
  providers: [EventIngestService, EventBatchWriter, ProcessingFailuresRepository],
  exports: [EventIngestService, IngestOutcomesModule],
})
export class IngestModule {}
