import { Column, Entity, PrimaryColumn } from 'typeorm';

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
