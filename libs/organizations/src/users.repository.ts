import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { UserEntity } from './entities/user.entity';

/** All SQL on `users`. Methods with an optional `m` run in that transaction when one is given. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private users(m?: EntityManager) {
    return (m ?? this.dataSource.manager).getRepository(UserEntity);
  }

  /** The user whose login e-mail is `email`, case-insensitively. */
  findByEmail(email: string, m?: EntityManager): Promise<UserEntity | null> {
    return this.users(m).createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  findById(id: string, m?: EntityManager): Promise<UserEntity | null> {
    return this.users(m).findOneBy({ id });
  }

  byIds(ids: string[]): Promise<UserEntity[]> {
    return ids.length ? this.users().findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** The user, which must exist. */
  get(id: string): Promise<UserEntity> {
    return this.users().findOneByOrFail({ id });
  }

  /** The user, unless it is deactivated (sessions and tokens of inactive users do not authenticate). */
  findActiveById(id: string): Promise<UserEntity | null> {
    return this.users().findOneBy({ id, isActive: true });
  }

  async anyExists(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM users LIMIT 1`);
    return rows.length > 0;
  }

  /** The stored password hash (the column is not selected by default). */
  async passwordHashOf(userId: string): Promise<string | null> {
    const row = await this.users()
      .createQueryBuilder('u')
      .addSelect('u.password')
      .where('u.id = :userId', { userId })
      .getOne();
    return row?.password ?? null;
  }

  /** Whether the user has a password to log in with (accounts made by social login have none). */
  async hasUsablePassword(userId: string): Promise<boolean> {
    const rows: Array<{ usable: boolean }> = await this.dataSource.query(
      `SELECT password IS NOT NULL AND password <> '' AS usable FROM users WHERE id = $1`,
      [userId],
    );
    return !!rows[0]?.usable;
  }

  /** Which of these users have a usable password. */
  async idsWithPassword(userIds: string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM users WHERE id = ANY($1::bigint[]) AND password IS NOT NULL AND password <> ''`,
      [userIds],
    );
    return new Set(rows.map((r) => String(r.id)));
  }

  /** The active user who may log in with this address: its primary e-mail, or any verified one. */
  async loginUserId(email: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM users WHERE lower(email) = lower($1) AND is_active
       UNION
       SELECT u.id FROM email_addresses e JOIN users u ON u.id = e.user_id
        WHERE lower(e.email) = lower($1) AND e.is_verified AND u.is_active
       LIMIT 1`,
      [email],
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  /** Inserts a user; answers the saved row (without its password hash re-read). */
  insert(
    input: { email: string; passwordHash: string; isSuperuser?: boolean },
    m?: EntityManager,
  ): Promise<UserEntity> {
    const repo = this.users(m);
    return repo.save(
      repo.create({ email: input.email, password: input.passwordHash, isSuperuser: !!input.isSuperuser }),
    );
  }

  /** Replaces the password hash; `makeSuperuser` also grants superuser (it never revokes it). */
  async setPasswordHash(
    userId: string,
    passwordHash: string,
    makeSuperuser = false,
    m?: EntityManager,
  ): Promise<void> {
    await this.users(m).update(userId, {
      password: passwordHash,
      ...(makeSuperuser ? { isSuperuser: true } : {}),
    });
  }

  /** Changes the login e-mail (to the address just made primary). */
  async setEmail(m: EntityManager, userId: string, email: string): Promise<void> {
    await m.query(`UPDATE users SET email = $2 WHERE id = $1`, [userId, email]);
  }

  /** Sets the fields given (null leaves a field as it is). */
  async updateProfile(
    userId: string,
    name: string | null,
    options: Record<string, unknown> | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE users SET name = COALESCE($2, name), options = COALESCE($3::jsonb, options) WHERE id = $1`,
      [userId, name, options === null ? null : JSON.stringify(options)],
    );
  }

  async setSubscribeByDefault(userId: string, subscribeByDefault: boolean): Promise<void> {
    await this.users().update(userId, { subscribeByDefault });
  }

  async recordLogin(userId: string): Promise<void> {
    await this.dataSource.query(`UPDATE users SET last_login = now() WHERE id = $1`, [userId]);
  }

  /** Deletes the user; sessions, tokens, addresses and memberships go by cascade. */
  async delete(m: EntityManager, userId: string): Promise<void> {
    await m.query(`DELETE FROM users WHERE id = $1`, [userId]);
  }
}
