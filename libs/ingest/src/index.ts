export * from './jobs';
export * from './protocol';
export * from './normalize';
export * from './process/prepare-event';
export * from './process/event-batch-writer';
export * from './process/event-ingest.service';
export * from './process/processing-failures.repository';
export * from './ingest.module';
