import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** User feedback about an event (the crash-report dialog); linked to the event's issue once known. */
@Entity({ name: 'user_reports' })
export class UserReportEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'project_id', type: 'bigint' })
  projectId: string;

  @Column({ name: 'issue_id', type: 'bigint', nullable: true })
  issueId: string | null;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ type: 'varchar', length: 128, default: '' })
  name: string;

  @Column({ type: 'varchar', length: 254, default: '' })
  email: string;

  @Column({ type: 'text', default: '' })
  comments: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
