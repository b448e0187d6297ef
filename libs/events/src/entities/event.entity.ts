import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every column of `events`, in the order the ingest batch writer's INSERT lists them (the benchmark writes with
 * the same list), so that the SELECT feeding such an INSERT lines up with one definition.
 */
export const EVENT_COLUMNS =
  'event_id, received, project_id, issue_id, timestamp, type, level, title, culprit, platform, environment, ' +
  'release, user_key, hash, tags, data';

/** Maps the parent of the day-partitioned `events` table; the schema itself comes from raw SQL migrations. */
@Entity({ name: 'events', synchronize: false })
export class EventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @PrimaryColumn({ type: 'timestamptz' })
  received: Date;

  @Column({ name: 'project_id', type: 'bigint' })
  projectId: string;

  @Column({ name: 'issue_id', type: 'bigint' })
  issueId: string;

  @Column({ type: 'timestamptz' })
  timestamp: Date;

  @Column({ type: 'smallint' })
  type: number;

  @Column({ type: 'smallint' })
  level: number;

  @Column({ type: 'varchar', length: 255 })
  title: string;

  @Column({ type: 'varchar', length: 1024 })
  culprit: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  platform: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  environment: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  release: string | null;

  @Column({ name: 'user_key', type: 'varchar', length: 200, nullable: true })
  userKey: string | null;

  @Column({ type: 'char', length: 32 })
  hash: string;

  @Column({ type: 'jsonb', default: {} })
  tags: Record<string, string>;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;
}
