import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'api_tokens' })
export class ApiTokenEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'user_id', type: 'bigint' })
  userId: string;

  /** sha256 hex of the token; the token itself is shown once, at creation. */
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  label: string;

  @Column({ type: 'integer', default: 0 })
  scopes: number;

  /** The first characters of the token, to tell tokens apart in lists without storing them. */
  @Column({ name: 'token_hint', type: 'varchar', length: 8, default: '' })
  tokenHint: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
