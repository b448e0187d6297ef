import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'project_keys' })
export class ProjectKeyEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'project_id', type: 'bigint' })
  projectId: string;

  /** Dashed UUID as PostgreSQL prints it; the DSN shows it without dashes. */
  @Column({ name: 'public_key', type: 'uuid' })
  publicKey: string;

  @Column({ type: 'varchar', length: 64, default: 'Default' })
  name: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'rate_limit_count', type: 'integer', nullable: true })
  rateLimitCount: number | null;

  @Column({ name: 'rate_limit_window', type: 'integer', nullable: true })
  rateLimitWindow: number | null;

  @Column({ type: 'jsonb', default: {} })
  data: Record<string, unknown>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
