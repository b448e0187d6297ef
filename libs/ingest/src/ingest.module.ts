import { Module } from '@nestjs/common';
import { EventIngestService } from './process/event-ingest.service';

@Module({ providers: [EventIngestService], exports: [EventIngestService] })
export class IngestModule {}
