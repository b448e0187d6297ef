import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A user's e-mail addresses; the primary one mirrors `users.email`. */
@Entity({ name: 'email_addresses' })
export class EmailAddressEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'user_id', type: 'bigint' })
  userId: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'is_primary', type: 'boolean', default: false })
  isPrimary: boolean;

  @Column({ name: 'is_verified', type: 'boolean', default: false })
  isVerified: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created: Date;
}
