import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'projects' })
export class ProjectEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'organization_id', type: 'bigint' })
  organizationId: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 64 })
  slug: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  platform: string | null;

  @Column({ name: 'first_event', type: 'timestamptz', nullable: true })
  firstEvent: Date | null;

  @Column({ name: 'event_throttle_rate', type: 'smallint', default: 0 })
  eventThrottleRate: number;

  @Column({ name: 'scrub_ip_addresses', type: 'boolean', default: true })
  scrubIpAddresses: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
