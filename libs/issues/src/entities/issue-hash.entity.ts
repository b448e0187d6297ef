import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'issue_hashes' })
export class IssueHashEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'project_id', type: 'bigint' })
  projectId: string;

  @Column({ name: 'issue_id', type: 'bigint' })
  issueId: string;

  @Column({ type: 'char', length: 32 })
  value: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
