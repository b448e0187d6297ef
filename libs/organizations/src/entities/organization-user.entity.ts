import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum OrganizationRole {
  Member = 0,
  Admin = 1,
  Manager = 2,
  Owner = 3,
}

@Entity({ name: 'organization_users' })
export class OrganizationUserEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'organization_id', type: 'bigint' })
  organizationId: string;

  @Column({ name: 'user_id', type: 'bigint', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'smallint', default: OrganizationRole.Member })
  role: OrganizationRole;

  @Column({ name: 'is_owner', type: 'boolean', default: false })
  isOwner: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
