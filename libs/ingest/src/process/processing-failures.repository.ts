import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** An item the worker could not process, kept for inspection. */
export interface ProcessingFailure {
  projectId: number;
  /** 32 hex, or anything else the client sent (then not stored as an id). */
  eventId: string;
  error: string;
  payload: string;
}

/** All SQL on `event_processing_failures` (ingest's own table). */
@Injectable()
export class ProcessingFailuresRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(failures: ProcessingFailure[]): Promise<void> {
    if (failures.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO event_processing_failures (project_id, event_id, error, payload)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[])`,
      [
        failures.map((f) => f.projectId),
        failures.map((f) => (/^[0-9a-f]{32}$/.test(f.eventId) ? f.eventId : null)),
        failures.map((f) => f.error.slice(0, 4000)),
        failures.map((f) => f.payload),
      ],
    );
  }
}
