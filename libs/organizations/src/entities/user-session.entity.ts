import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** How a session was authenticated, as allauth reports it (`at` is a Unix timestamp in seconds). */
export interface SessionAuthMethod {
  method: 'password' | 'password_reset';
  at: number;
  email?: string;
  reauthenticated?: boolean;
}

/** A browser session, kept in PostgreSQL so that every api replica sees it. */
@Entity({ name: 'user_sessions' })
export class UserSessionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** sha256 hex of the `sessionid` cookie value; the cookie itself is never stored. */
  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash: string;

  @Column({ name: 'user_id', type: 'bigint' })
  userId: string;

  @Column({ type: 'jsonb', default: [] })
  methods: SessionAuthMethod[];

  @Column({ name: 'user_agent', type: 'varchar', length: 512, default: '' })
  userAgent: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  ip: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;

  @Column({ type: 'timestamptz' })
  expires: Date;
}
