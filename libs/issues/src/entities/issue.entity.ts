import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum IssueType {
  Default = 0,
  Error = 1,
  Csp = 2,
}
export enum IssueStatus {
  Unresolved = 0,
  Resolved = 1,
  Ignored = 2,
}
/** GlitchTip's level numbering. */
export enum EventLevel {
  Sample = 0,
  Debug = 1,
  Info = 2,
  Warning = 3,
  Error = 4,
  Fatal = 5,
}

@Entity({ name: 'issues' })
export class IssueEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'project_id', type: 'bigint' })
  projectId: string;

  @Column({ name: 'short_id', type: 'integer' })
  shortId: number;

  @Column({ type: 'varchar', length: 255 })
  title: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  culprit: string;

  @Column({ type: 'smallint', default: IssueType.Default })
  type: IssueType;

  @Column({ type: 'smallint', default: EventLevel.Error })
  level: EventLevel;

  @Column({ type: 'smallint', default: IssueStatus.Unresolved })
  status: IssueStatus;

  @Column({ name: 'status_details', type: 'jsonb', default: {} })
  statusDetails: Record<string, unknown>;

  @Column({ type: 'jsonb', default: {} })
  metadata: Record<string, unknown>;

  @Column({ type: 'varchar', length: 64, nullable: true })
  platform: string | null;

  /** bigint: node-postgres returns it as a string, which is also GlitchTip's wire type for `count`. */
  @Column({ type: 'bigint', default: 0 })
  count: string;

  @Column({ name: 'user_count', type: 'integer', default: 0 })
  userCount: number;

  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen: Date;

  @Column({ name: 'first_release', type: 'varchar', length: 255, nullable: true })
  firstRelease: string | null;

  @Column({ name: 'last_release', type: 'varchar', length: 255, nullable: true })
  lastRelease: string | null;

  @Column({ name: 'is_public', type: 'boolean', default: false })
  isPublic: boolean;

  /** Set when resolved in the next release: the release current then, whose events do not reopen it. */
  @Column({ name: 'resolved_release', type: 'varchar', length: 255, nullable: true })
  resolvedRelease: string | null;

  /** Who works on it: a member of the organization, or one of its teams (never both). */
  @Column({ name: 'assigned_user_id', type: 'bigint', nullable: true })
  assignedUserId: string | null;

  @Column({ name: 'assigned_team_id', type: 'bigint', nullable: true })
  assignedTeamId: string | null;
}
