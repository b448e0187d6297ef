import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@app/core';
import { EmailAddressEntity } from './entities/email-address.entity';

/** All SQL on `email_addresses`. Methods with an optional `m` run in that transaction when one is given. */
@Injectable()
export class EmailAddressesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private addresses(m?: EntityManager) {
    return (m ?? this.dataSource.manager).getRepository(EmailAddressEntity);
  }

  /** A user's addresses, the primary one first. */
  listOf(userId: string): Promise<EmailAddressEntity[]> {
    return this.addresses().find({ where: { userId }, order: { isPrimary: 'DESC', id: 'ASC' }, take: 200 });
  }

  /** The user's address `email`, case-insensitively. */
  findOfUser(userId: string, email: string): Promise<EmailAddressEntity | null> {
    return this.addresses()
      .createQueryBuilder('e')
      .where('e.user_id = :userId AND lower(e.email) = lower(:email)', { userId, email })
      .getOne();
  }

  findById(id: string): Promise<EmailAddressEntity | null> {
    return this.addresses().findOneBy({ id });
  }

  /** Whether anyone has verified this address. */
  async isVerifiedByAnyone(email: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM email_addresses WHERE lower(email) = lower($1) AND is_verified LIMIT 1`,
      [email],
    );
    return rows.length > 0;
  }

  /** Taken = some user's login e-mail, or a verified address of anyone. */
  async isTaken(email: string, m?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await (m ?? this.dataSource.manager).query(
      `SELECT 1 FROM users WHERE lower(email) = lower($1)
       UNION ALL SELECT 1 FROM email_addresses WHERE lower(email) = lower($1) AND is_verified LIMIT 1`,
      [email],
    );
    return rows.length > 0;
  }

  /** Inserts an address (unverified and secondary unless said otherwise); throws on a unique violation. */
  insert(
    input: { userId: string; email: string; isPrimary?: boolean; isVerified?: boolean },
    m?: EntityManager,
  ): Promise<EmailAddressEntity> {
    return this.addresses(m).save(input);
  }

  /** The primary, verified address of a user made by an administrator; nothing when it exists already. */
  async insertVerifiedPrimary(userId: string, email: string, m?: EntityManager): Promise<void> {
    await (m ?? this.dataSource.manager).query(
      `INSERT INTO email_addresses (user_id, email, is_primary, is_verified) VALUES ($1, $2, true, true)
       ON CONFLICT DO NOTHING`,
      [userId, email],
    );
  }

  /** Throws a unique violation when another account verified the same address first. */
  async markVerified(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE email_addresses SET is_verified = true WHERE id = $1`, [id]);
  }

  /** Makes `addressId` the user's one primary address. */
  async makePrimary(m: EntityManager, userId: string, addressId: string): Promise<void> {
    await m.query(`UPDATE email_addresses SET is_primary = false WHERE user_id = $1 AND is_primary`, [
      userId,
    ]);
    await m.query(`UPDATE email_addresses SET is_primary = true WHERE id = $1`, [addressId]);
  }

  /** Removes a secondary address; false when the user has no such secondary address. */
  async deleteSecondary(userId: string, email: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `DELETE FROM email_addresses WHERE user_id = $1 AND lower(email) = lower($2) AND NOT is_primary
       RETURNING id`,
      [userId, email],
    );
    return rowsOf(result).length > 0;
  }
}
