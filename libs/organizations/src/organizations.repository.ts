import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { OrganizationRole, OrganizationUserEntity } from './entities/organization-user.entity';
import { OrganizationEntity } from './entities/organization.entity';

/** An organization as one of its members sees it: the caller's role and membership row id. */
export interface Membership {
  organization: OrganizationEntity;
  role: OrganizationRole;
  memberId: string;
}

/** All SQL on `organizations`. Methods with an optional `m` run in that transaction when one is given. */
@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private organizations(m?: EntityManager) {
    return (m ?? this.dataSource.manager).getRepository(OrganizationEntity);
  }

  async anyExists(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM organizations LIMIT 1`);
    return rows.length > 0;
  }

  findById(id: string, m?: EntityManager): Promise<OrganizationEntity | null> {
    return this.organizations(m).findOneBy({ id });
  }

  byIds(ids: string[]): Promise<OrganizationEntity[]> {
    return ids.length ? this.organizations().findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  /** The user's membership of the organization with this slug, in one query; null when not a member. */
  membershipBySlug(userId: string, organizationSlug: string): Promise<Membership | null> {
    return this.membership(userId, 'o.slug = :organizationSlug', { organizationSlug });
  }

  /** The user's membership of the organization with this id, in one query; null when not a member. */
  membershipById(userId: string, organizationId: string): Promise<Membership | null> {
    return this.membership(userId, 'o.id = :organizationId', { organizationId });
  }

  private async membership(
    userId: string,
    where: string,
    parameters: Record<string, string>,
  ): Promise<Membership | null> {
    const { entities, raw } = await this.organizations()
      .createQueryBuilder('o')
      .innerJoin(OrganizationUserEntity, 'ou', 'ou.organization_id = o.id AND ou.user_id = :userId', {
        userId,
      })
      .addSelect('ou.role', 'member_role')
      .addSelect('ou.id', 'member_id')
      .where(where, parameters)
      .getRawAndEntities<{ member_role: number; member_id: string }>();
    const organization = entities[0];
    const row = raw[0];
    if (!organization || !row) return null;
    return {
      organization,
      role: Number(row.member_role) as OrganizationRole,
      memberId: String(row.member_id),
    };
  }

  /** One page of the organizations a user belongs to, by name, and how many there are. */
  async pageForUser(
    userId: string,
    offset: number,
    limit: number,
  ): Promise<{ organizations: OrganizationEntity[]; total: number }> {
    const [organizations, total] = await this.organizations()
      .createQueryBuilder('o')
      .where('o.id IN (SELECT organization_id FROM organization_users WHERE user_id = :userId)', { userId })
      .orderBy('o.name')
      .addOrderBy('o.id')
      .skip(offset)
      .take(limit)
      .getManyAndCount();
    return { organizations, total };
  }

  /** The first (oldest) organization named `name` or slugged `slug` that the user is a member of. */
  async findOfMemberByNameOrSlug(
    name: string,
    slug: string,
    userId: string,
    m?: EntityManager,
  ): Promise<OrganizationEntity | null> {
    const rows: Array<{ id: string }> = await (m ?? this.dataSource.manager).query(
      `SELECT o.id FROM organizations o JOIN organization_users ou ON ou.organization_id = o.id
        WHERE (o.name = $1 OR o.slug = $2) AND ou.user_id = $3 ORDER BY o.id LIMIT 1`,
      [name, slug, userId],
    );
    return rows[0] ? this.findById(String(rows[0].id), m) : null;
  }

  async slugExists(slug: string, m?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await (m ?? this.dataSource.manager).query(
      `SELECT 1 FROM organizations WHERE slug = $1`,
      [slug],
    );
    return rows.length > 0;
  }

  /** Inserts an organization and answers it as stored (with its defaults). */
  async insert(m: EntityManager, name: string, slug: string): Promise<OrganizationEntity> {
    const saved = await this.organizations(m).save({ name, slug });
    return this.organizations(m).findOneByOrFail({ id: saved.id });
  }

  async rename(organizationId: string, name: string): Promise<OrganizationEntity> {
    await this.organizations().update(organizationId, { name });
    return this.organizations().findOneByOrFail({ id: organizationId });
  }

  /**
   * Deletes the organization; its members, teams, projects (and what hangs off them), environments and releases
   * go by FK cascade. Events have no foreign key: the caller deletes them first.
   */
  async delete(m: EntityManager, organizationId: string): Promise<void> {
    await m.query(`DELETE FROM organizations WHERE id = $1`, [organizationId]);
  }
}
