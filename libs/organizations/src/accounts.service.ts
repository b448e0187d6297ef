import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { deriveApiToken, generateApiToken, hashApiToken, hashPassword } from './credentials';
import { ApiTokenEntity } from './entities/api-token.entity';
import { EmailAddressEntity } from './entities/email-address.entity';
import { OrganizationRole, OrganizationUserEntity } from './entities/organization-user.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { TeamEntity } from './entities/team.entity';
import { UserEntity } from './entities/user.entity';
import { organizationSlug, slugify } from './slug';

/** PostgreSQL's unique_violation. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505';
}

/** Users, organizations, teams and tokens: the commands that management and the API share. */
@Injectable()
export class AccountsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async findUserByEmail(email: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.manager(manager)
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  /** Creates the user, or updates the password (and superuser flag) of an existing one. */
  async upsertUser(
    input: { email: string; password: string; isSuperuser?: boolean },
    manager?: EntityManager,
  ): Promise<UserEntity> {
    const repo = this.manager(manager).getRepository(UserEntity);
    const password = await hashPassword(input.password);
    const existing = await this.findUserByEmail(input.email, manager);
    if (existing) {
      await repo.update(existing.id, { password, ...(input.isSuperuser ? { isSuperuser: true } : {}) });
      return { ...existing, isSuperuser: existing.isSuperuser || !!input.isSuperuser };
    }
    const user = await repo.save(
      repo.create({ email: input.email, password, isSuperuser: !!input.isSuperuser }),
    );
    // Made by an administrator on the command line: the address counts as verified.
    await this.manager(manager).query(
      `INSERT INTO email_addresses (user_id, email, is_primary, is_verified) VALUES ($1, $2, true, true)
       ON CONFLICT DO NOTHING`,
      [user.id, user.email],
    );
    return user;
  }

  async findUserById(id: string, manager?: EntityManager): Promise<UserEntity | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    return this.manager(manager).getRepository(UserEntity).findOneBy({ id });
  }

  async anyUserExists(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM users LIMIT 1`);
    return rows.length > 0;
  }

  /** The stored password hash (null when the account has no usable password). */
  async passwordHashOf(userId: string): Promise<string | null> {
    const row = await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .addSelect('u.password')
      .where('u.id = :userId', { userId })
      .getOne();
    return row?.password ?? null;
  }

  async hasUsablePassword(userId: string): Promise<boolean> {
    const rows: Array<{ usable: boolean }> = await this.dataSource.query(
      `SELECT password IS NOT NULL AND password <> '' AS usable FROM users WHERE id = $1`,
      [userId],
    );
    return !!rows[0]?.usable;
  }

  /** Which of these users have a usable password (for `hasPasswordAuth`). */
  async usersWithPassword(userIds: string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM users WHERE id = ANY($1::bigint[]) AND password IS NOT NULL AND password <> ''`,
      [userIds],
    );
    return new Set(rows.map((r) => String(r.id)));
  }

  /** The active user who may log in with this address: the primary e-mail, or any verified one. */
  async findLoginUser(email: string): Promise<{ user: UserEntity; passwordHash: string | null } | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM users WHERE lower(email) = lower($1) AND is_active
       UNION
       SELECT u.id FROM email_addresses e JOIN users u ON u.id = e.user_id
        WHERE lower(e.email) = lower($1) AND e.is_verified AND u.is_active
       LIMIT 1`,
      [email],
    );
    if (!rows[0]) return null;
    const user = await this.findUserById(String(rows[0].id));
    return user ? { user, passwordHash: await this.passwordHashOf(user.id) } : null;
  }

  /** Taken = some user's primary address, or a verified address of anyone. */
  async isEmailTaken(email: string, manager?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await this.manager(manager).query(
      `SELECT 1 FROM users WHERE lower(email) = lower($1)
       UNION ALL SELECT 1 FROM email_addresses WHERE lower(email) = lower($1) AND is_verified LIMIT 1`,
      [email],
    );
    return rows.length > 0;
  }

  /** Signup: the user and its primary, not yet verified, address. Null when the address is taken. */
  async createUser(input: { email: string; password: string }): Promise<UserEntity | null> {
    const password = await hashPassword(input.password);
    try {
      return await this.dataSource.transaction(async (m) => {
        if (await this.isEmailTaken(input.email, m)) return null;
        const user = await m.getRepository(UserEntity).save({ email: input.email, password });
        await m.getRepository(EmailAddressEntity).save({
          userId: user.id,
          email: input.email,
          isPrimary: true,
          isVerified: false,
        });
        return m.getRepository(UserEntity).findOneByOrFail({ id: user.id });
      });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async setPassword(userId: string, password: string): Promise<void> {
    await this.dataSource
      .getRepository(UserEntity)
      .update(userId, { password: await hashPassword(password) });
  }

  async updateProfile(
    userId: string,
    input: { name?: string; options?: Record<string, unknown> },
  ): Promise<UserEntity> {
    await this.dataSource.query(
      `UPDATE users SET name = COALESCE($2, name), options = COALESCE($3::jsonb, options) WHERE id = $1`,
      [userId, input.name ?? null, input.options === undefined ? null : JSON.stringify(input.options)],
    );
    const repo = this.dataSource.getRepository(UserEntity);
    return repo.findOneByOrFail({ id: userId });
  }

  async setSubscribeByDefault(userId: string, subscribeByDefault: boolean): Promise<UserEntity> {
    const repo = this.dataSource.getRepository(UserEntity);
    await repo.update(userId, { subscribeByDefault });
    return repo.findOneByOrFail({ id: userId });
  }

  /** Deletes the account unless it is the primary owner of an organization. */
  async deleteUser(userId: string): Promise<'deleted' | 'owner'> {
    return this.dataSource.transaction(async (m) => {
      const owner: unknown[] = await m.query(
        `SELECT 1 FROM organization_users WHERE user_id = $1 AND is_owner LIMIT 1`,
        [userId],
      );
      if (owner.length) return 'owner';
      await m.query(`DELETE FROM users WHERE id = $1`, [userId]);
      return 'deleted';
    });
  }

  listEmails(userId: string): Promise<EmailAddressEntity[]> {
    return this.dataSource
      .getRepository(EmailAddressEntity)
      .find({ where: { userId }, order: { isPrimary: 'DESC', id: 'ASC' }, take: 200 });
  }

  findEmail(userId: string, email: string): Promise<EmailAddressEntity | null> {
    return this.dataSource
      .getRepository(EmailAddressEntity)
      .createQueryBuilder('e')
      .where('e.user_id = :userId AND lower(e.email) = lower(:email)', { userId, email })
      .getOne();
  }

  findEmailById(id: string): Promise<EmailAddressEntity | null> {
    if (!/^\d{1,18}$/.test(id)) return Promise.resolve(null);
    return this.dataSource.getRepository(EmailAddressEntity).findOneBy({ id });
  }

  /** Adds an unverified address; null when this user has it already or someone verified it. */
  async addEmail(userId: string, email: string): Promise<EmailAddressEntity | null> {
    const verifiedElsewhere: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM email_addresses WHERE lower(email) = lower($1) AND is_verified LIMIT 1`,
      [email],
    );
    if (verifiedElsewhere.length) return null;
    try {
      return await this.dataSource.getRepository(EmailAddressEntity).save({ userId, email });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** Marks an address verified; false when another account verified the same address first. */
  async verifyEmail(emailAddressId: string): Promise<boolean> {
    try {
      await this.dataSource.query(`UPDATE email_addresses SET is_verified = true WHERE id = $1`, [
        emailAddressId,
      ]);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Makes a verified address the primary one (and the user's login e-mail). */
  async setPrimaryEmail(userId: string, email: string): Promise<EmailAddressEntity | null> {
    const address = await this.findEmail(userId, email);
    if (!address?.isVerified) return null;
    try {
      await this.dataSource.transaction(async (m) => {
        await m.query(`UPDATE email_addresses SET is_primary = false WHERE user_id = $1 AND is_primary`, [
          userId,
        ]);
        await m.query(`UPDATE email_addresses SET is_primary = true WHERE id = $1`, [address.id]);
        await m.query(`UPDATE users SET email = $2 WHERE id = $1`, [userId, address.email]);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return { ...address, isPrimary: true };
  }

  /** Removes a secondary address; false when it is unknown or primary. */
  async deleteEmail(userId: string, email: string): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM email_addresses WHERE user_id = $1 AND lower(email) = lower($2) AND NOT is_primary`,
      [userId, email],
    );
    return result[1] > 0;
  }

  async listTokens(
    userId: string,
    offset: number,
    limit: number,
  ): Promise<{ tokens: ApiTokenEntity[]; total: number }> {
    const [tokens, total] = await this.dataSource
      .getRepository(ApiTokenEntity)
      .findAndCount({ where: { userId }, order: { created: 'DESC', id: 'DESC' }, skip: offset, take: limit });
    return { tokens, total };
  }

  /** A new API token: the plaintext is returned once and only its hash is kept. */
  async createToken(
    userId: string,
    label: string,
    scopes: number,
  ): Promise<{ token: string; entity: ApiTokenEntity }> {
    const token = generateApiToken();
    const repo = this.dataSource.getRepository(ApiTokenEntity);
    const saved = await repo.save({
      userId,
      label,
      scopes,
      tokenHash: hashApiToken(token),
      tokenHint: token.slice(0, 6),
    });
    return { token, entity: await repo.findOneByOrFail({ id: saved.id }) };
  }

  async deleteToken(userId: string, tokenId: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(tokenId)) return false;
    const result = await this.dataSource.getRepository(ApiTokenEntity).delete({ id: tokenId, userId });
    return (result.affected ?? 0) > 0;
  }

  /** A unique slug within `table` (optionally within an organization). */
  async uniqueSlug(
    table: 'organizations' | 'teams' | 'projects',
    base: string,
    organizationId: string | null,
    manager?: EntityManager,
  ): Promise<string> {
    const m = this.manager(manager);
    const slug = table === 'organizations' ? organizationSlug(base) : slugify(base);
    for (let n = 0; ; n++) {
      const candidate = n === 0 ? slug : `${slug}-${n}`;
      const rows: unknown[] = organizationId
        ? await m.query(`SELECT 1 FROM ${table} WHERE slug = $1 AND organization_id = $2`, [
            candidate,
            organizationId,
          ])
        : await m.query(`SELECT 1 FROM ${table} WHERE slug = $1`, [candidate]);
      if (rows.length === 0) return candidate;
    }
  }

  /** Creates an organization owned by `userId`. */
  async createOrganization(
    name: string,
    userId: string,
    manager?: EntityManager,
  ): Promise<OrganizationEntity> {
    if (!manager) return this.dataSource.transaction((m) => this.createOrganization(name, userId, m));
    const m = manager;
    const slug = await this.uniqueSlug('organizations', name, null, m);
    const organization = await m.getRepository(OrganizationEntity).save({ name, slug });
    await m.getRepository(OrganizationUserEntity).save({
      organizationId: organization.id,
      userId,
      role: OrganizationRole.Owner,
      isOwner: true,
    });
    return m.getRepository(OrganizationEntity).findOneByOrFail({ id: organization.id });
  }

  async findOrganizationOwnedBy(
    name: string,
    userId: string,
    manager?: EntityManager,
  ): Promise<OrganizationEntity | null> {
    const rows: Array<{ id: string }> = await this.manager(manager).query(
      `SELECT o.id FROM organizations o JOIN organization_users ou ON ou.organization_id = o.id
        WHERE (o.name = $1 OR o.slug = $2) AND ou.user_id = $3 ORDER BY o.id LIMIT 1`,
      [name, slugify(name), userId],
    );
    return rows[0]
      ? this.manager(manager).getRepository(OrganizationEntity).findOneBy({ id: rows[0].id })
      : null;
  }

  async membership(
    organizationId: string,
    userId: string,
    manager?: EntityManager,
  ): Promise<OrganizationUserEntity | null> {
    return this.manager(manager).getRepository(OrganizationUserEntity).findOneBy({ organizationId, userId });
  }

  /** Creates a team and makes the given organization member part of it. */
  async createTeam(
    organizationId: string,
    slug: string,
    memberId?: string,
    manager?: EntityManager,
  ): Promise<TeamEntity> {
    const m = this.manager(manager);
    const team = await m.getRepository(TeamEntity).save({ organizationId, slug: slugify(slug) });
    if (memberId) {
      await m.query(
        `INSERT INTO team_members (team_id, organization_user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [team.id, memberId],
      );
    }
    return team;
  }

  /** An API token derived from the instance secret: the same call returns the same token. */
  async ensureDerivedToken(
    userId: string,
    label: string,
    scopes: number,
    secretKey: string,
    manager?: EntityManager,
  ): Promise<string> {
    const token = deriveApiToken(secretKey, `bootstrap-token:${userId}:${label}`);
    await this.manager(manager).query(
      `INSERT INTO api_tokens (user_id, token_hash, label, scopes, token_hint) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (token_hash) DO UPDATE SET scopes = EXCLUDED.scopes`,
      [userId, hashApiToken(token), label, scopes, token.slice(0, 6)],
    );
    return token;
  }

  findTokenById(id: string): Promise<ApiTokenEntity | null> {
    return this.dataSource.getRepository(ApiTokenEntity).findOneBy({ id });
  }

  /** Resolves a Bearer token to its user and scopes. */
  async findToken(token: string): Promise<{ token: ApiTokenEntity; user: UserEntity } | null> {
    if (!/^[0-9a-f]{64}$/i.test(token)) return null;
    const apiToken = await this.dataSource
      .getRepository(ApiTokenEntity)
      .findOneBy({ tokenHash: hashApiToken(token.toLowerCase()) });
    if (!apiToken) return null;
    const user = await this.dataSource
      .getRepository(UserEntity)
      .findOneBy({ id: apiToken.userId, isActive: true });
    return user ? { token: apiToken, user } : null;
  }
}
