import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'teams' })
export class TeamEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'organization_id', type: 'bigint' })
  organizationId: string;

  @Column({ type: 'varchar', length: 50 })
  slug: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
