import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'organizations' })
export class OrganizationEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 200 })
  slug: string;

  @Column({ name: 'is_accepting_events', type: 'boolean', default: true })
  isAcceptingEvents: boolean;

  @Column({ name: 'event_throttle_rate', type: 'smallint', default: 0 })
  eventThrottleRate: number;

  @Column({ name: 'open_membership', type: 'boolean', default: true })
  openMembership: boolean;

  @Column({ name: 'scrub_ip_addresses', type: 'boolean', default: true })
  scrubIpAddresses: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
