import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { rowsOf } from '@app/core';
import { OrganizationRole, OrganizationUserEntity } from './entities/organization-user.entity';

/**
 * All SQL on `organization_users`: memberships, and pending invitations (rows with an e-mail and no user).
 * Methods with an optional `m` run in that transaction when one is given.
 */
@Injectable()
export class MembersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private members(m?: EntityManager) {
    return (m ?? this.dataSource.manager).getRepository(OrganizationUserEntity);
  }

  /** The user's membership of the organization. */
  findOfUser(
    organizationId: string,
    userId: string,
    m?: EntityManager,
  ): Promise<OrganizationUserEntity | null> {
    return this.members(m).findOneBy({ organizationId, userId });
  }

  /** The organizations the user is a member of. */
  async organizationIdsOfUser(userId: string): Promise<string[]> {
    const rows: Array<{ organization_id: string }> = await this.dataSource.query(
      `SELECT organization_id FROM organization_users WHERE user_id = $1`,
      [userId],
    );
    return rows.map((r) => String(r.organization_id));
  }

  findInOrganization(organizationId: string, memberId: string): Promise<OrganizationUserEntity | null> {
    return this.members().findOneBy({ id: memberId, organizationId });
  }

  findById(memberId: string, m?: EntityManager): Promise<OrganizationUserEntity | null> {
    return this.members(m).findOneBy({ id: memberId });
  }

  /** One page of the organization's members and invitations, oldest first (optionally of one team). */
  async pageOf(
    organizationId: string,
    page: { offset: number; limit: number },
    filter: { teamId?: string } = {},
  ): Promise<{ members: OrganizationUserEntity[]; total: number }> {
    const qb = this.members()
      .createQueryBuilder('ou')
      .where('ou.organization_id = :organizationId', { organizationId });
    if (filter.teamId)
      qb.andWhere('ou.id IN (SELECT organization_user_id FROM team_members WHERE team_id = :teamId)', {
        teamId: filter.teamId,
      });
    const [members, total] = await qb
      .orderBy('ou.created')
      .addOrderBy('ou.id')
      .skip(page.offset)
      .take(page.limit)
      .getManyAndCount();
    return { members, total };
  }

  /** Inserts a membership or an invitation and answers it as stored. */
  async insert(
    input: {
      organizationId: string;
      userId: string | null;
      email?: string | null;
      role: OrganizationRole;
      isOwner?: boolean;
    },
    m?: EntityManager,
  ): Promise<OrganizationUserEntity> {
    const saved = await this.members(m).save(input);
    return this.members(m).findOneByOrFail({ id: saved.id });
  }

  /** Whether a user with this login e-mail is a member of the organization. */
  async hasMemberWithEmail(m: EntityManager, organizationId: string, email: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM organization_users ou JOIN users u ON u.id = ou.user_id
        WHERE ou.organization_id = $1 AND lower(u.email) = lower($2)`,
      [organizationId, email],
    );
    return rows.length > 0;
  }

  /** The pending invitation of this e-mail address to the organization. */
  findInvitation(
    m: EntityManager,
    organizationId: string,
    email: string,
  ): Promise<OrganizationUserEntity | null> {
    return this.members(m)
      .createQueryBuilder('ou')
      .where('ou.organization_id = :organizationId AND lower(ou.email) = lower(:email)', {
        organizationId,
        email,
      })
      .getOne();
  }

  async setRole(memberId: string, role: OrganizationRole): Promise<void> {
    await this.members().update(memberId, { role });
  }

  /** Members (not invitations) with the owner role, other than `exceptMemberId`. */
  async countOwners(organizationId: string, exceptMemberId?: string, m?: EntityManager): Promise<number> {
    const rows: Array<{ n: string }> = await (m ?? this.dataSource.manager).query(
      `SELECT count(*) AS n FROM organization_users
        WHERE organization_id = $1 AND role = $2 AND user_id IS NOT NULL AND ($3::bigint IS NULL OR id <> $3::bigint)`,
      [organizationId, OrganizationRole.Owner, exceptMemberId ?? null],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Whether the user is the primary owner of any organization. */
  async isPrimaryOwnerOfAny(m: EntityManager, userId: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM organization_users WHERE user_id = $1 AND is_owner LIMIT 1`,
      [userId],
    );
    return rows.length > 0;
  }

  /** Deletes a membership (its team memberships go by cascade); answers whose it was, null when it was gone. */
  async delete(
    m: EntityManager,
    memberId: string,
  ): Promise<{ organizationId: string; userId: string | null } | null> {
    const rows = rowsOf<{ organization_id: string; user_id: string | null }>(
      await m.query(`DELETE FROM organization_users WHERE id = $1 RETURNING organization_id, user_id`, [
        memberId,
      ]),
    );
    const row = rows[0];
    if (!row) return null;
    return {
      organizationId: String(row.organization_id),
      userId: row.user_id === null ? null : String(row.user_id),
    };
  }

  /** Makes the member the organization's one primary owner, with the owner role. */
  async setPrimaryOwner(m: EntityManager, organizationId: string, memberId: string): Promise<void> {
    await m.query(`UPDATE organization_users SET is_owner = false WHERE organization_id = $1 AND is_owner`, [
      organizationId,
    ]);
    await m.query(`UPDATE organization_users SET is_owner = true, role = $2 WHERE id = $1`, [
      memberId,
      OrganizationRole.Owner,
    ]);
  }

  /** Turns an invitation into a membership of `userId`; throws a unique violation when the user is a member. */
  async attachUser(memberId: string, userId: string): Promise<void> {
    await this.dataSource.query(`UPDATE organization_users SET user_id = $2, email = NULL WHERE id = $1`, [
      memberId,
      userId,
    ]);
  }
}
