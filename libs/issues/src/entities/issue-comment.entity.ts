import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'issue_comments' })
export class IssueCommentEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'issue_id', type: 'bigint' })
  issueId: string;

  /** Null once the author's account is deleted. */
  @Column({ name: 'user_id', type: 'bigint', nullable: true })
  userId: string | null;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
