import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { deriveApiToken, hashApiToken, hashPassword } from './credentials';
import { ApiTokenEntity } from './entities/api-token.entity';
import { OrganizationRole, OrganizationUserEntity } from './entities/organization-user.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { TeamEntity } from './entities/team.entity';
import { UserEntity } from './entities/user.entity';
import { slugify } from './slug';

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
    return repo.save(repo.create({ email: input.email, password, isSuperuser: !!input.isSuperuser }));
  }

  /** A unique slug within `table` (optionally within an organization). */
  async uniqueSlug(
    table: 'organizations' | 'teams' | 'projects',
    base: string,
    organizationId: string | null,
    manager?: EntityManager,
  ): Promise<string> {
    const m = this.manager(manager);
    const slug = slugify(base);
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
    const m = this.manager(manager);
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
      `INSERT INTO api_tokens (user_id, token_hash, label, scopes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (token_hash) DO UPDATE SET scopes = EXCLUDED.scopes`,
      [userId, hashApiToken(token), label, scopes],
    );
    return token;
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
