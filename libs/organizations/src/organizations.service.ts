import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { isUniqueViolation } from './accounts.service';
import { OrganizationRole, OrganizationUserEntity } from './entities/organization-user.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { UserEntity } from './entities/user.entity';

/** A team as lists show it: with its member count and whether the caller belongs to it. */
export interface TeamSummary {
  id: string;
  organizationId: string;
  slug: string;
  created: Date;
  memberCount: number;
  isMember: boolean;
}

/** An organization member (or pending invitation) with its user and the slugs of its teams. */
export interface MemberDetail {
  member: OrganizationUserEntity;
  user: UserEntity | null;
  teams: string[];
}

export type InviteResult =
  | { kind: 'invited'; member: OrganizationUserEntity }
  | { kind: 'already-member' }
  | { kind: 'already-invited' };

interface TeamRow {
  id: string;
  organization_id: string;
  slug: string;
  created: Date;
  member_count: string;
  is_member: boolean;
}

const TEAM_SELECT = `
  SELECT t.id, t.organization_id, t.slug, t.created,
         (SELECT count(*) FROM team_members tm WHERE tm.team_id = t.id) AS member_count,
         EXISTS (SELECT 1 FROM team_members tm JOIN organization_users ou ON ou.id = tm.organization_user_id
                  WHERE tm.team_id = t.id AND ou.user_id = $2) AS is_member
    FROM teams t`;

function toTeam(row: TeamRow): TeamSummary {
  return {
    id: String(row.id),
    organizationId: String(row.organization_id),
    slug: row.slug,
    created: row.created,
    memberCount: Number(row.member_count),
    isMember: row.is_member,
  };
}

/** Organizations, their members and invitations, and teams: the queries and commands the admin API needs. */
@Injectable()
export class OrganizationsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async anyOrganizationExists(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM organizations LIMIT 1`);
    return rows.length > 0;
  }

  /** The organizations a user belongs to, by name. */
  async listForUser(
    userId: string,
    offset: number,
    limit: number,
  ): Promise<{ organizations: OrganizationEntity[]; total: number }> {
    const [organizations, total] = await this.dataSource
      .getRepository(OrganizationEntity)
      .createQueryBuilder('o')
      .where('o.id IN (SELECT organization_id FROM organization_users WHERE user_id = :userId)', { userId })
      .orderBy('o.name')
      .addOrderBy('o.id')
      .skip(offset)
      .take(limit)
      .getManyAndCount();
    return { organizations, total };
  }

  organizationsByIds(ids: string[]): Promise<OrganizationEntity[]> {
    return ids.length
      ? this.dataSource.getRepository(OrganizationEntity).findBy({ id: In(ids) })
      : Promise.resolve([]);
  }

  async rename(organizationId: string, name: string): Promise<OrganizationEntity> {
    const repo = this.dataSource.getRepository(OrganizationEntity);
    await repo.update(organizationId, { name });
    return repo.findOneByOrFail({ id: organizationId });
  }

  /**
   * Deletes an organization with everything in it. Events have no foreign key (they live in daily partitions),
   * so they are removed explicitly, by project.
   */
  async delete(organizationId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `DELETE FROM events WHERE project_id IN (SELECT id FROM projects WHERE organization_id = $1)`,
        [organizationId],
      );
      await m.query(`DELETE FROM organizations WHERE id = $1`, [organizationId]);
    });
  }

  // Teams

  async teams(
    organizationId: string,
    userId: string,
    page?: { offset: number; limit: number },
    filter: { projectId?: string } = {},
  ): Promise<{ teams: TeamSummary[]; total: number }> {
    // $1 organization, $2 caller (for is_member), $3 project filter (or null).
    const where =
      't.organization_id = $1 AND ($3::bigint IS NULL OR t.id IN (SELECT team_id FROM project_teams WHERE project_id = $3))';
    const params = [organizationId, userId, filter.projectId ?? null];
    const paging = page ? ` OFFSET ${page.offset} LIMIT ${page.limit}` : '';
    const rows: TeamRow[] = await this.dataSource.query(
      `${TEAM_SELECT} WHERE ${where} ORDER BY t.slug, t.id${paging}`,
      params,
    );
    const count: Array<{ n: string }> = page
      ? await this.dataSource.query(
          `SELECT count(*) AS n FROM teams t WHERE ${where.replace(/\$3/g, '$2')}`,
          [organizationId, filter.projectId ?? null],
        )
      : [{ n: String(rows.length) }];
    return { teams: rows.map(toTeam), total: Number(count[0]?.n ?? 0) };
  }

  async team(organizationId: string, slug: string, userId: string): Promise<TeamSummary | null> {
    const rows: TeamRow[] = await this.dataSource.query(
      `${TEAM_SELECT} WHERE t.organization_id = $1 AND t.slug = $3`,
      [organizationId, userId, slug],
    );
    return rows[0] ? toTeam(rows[0]) : null;
  }

  /** Creates a team and makes its creator a member; null when the slug is taken. */
  async createTeam(organizationId: string, slug: string, creatorMemberId: string): Promise<string | null> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const rows: Array<{ id: string }> = await m.query(
          `INSERT INTO teams (organization_id, slug) VALUES ($1, $2) RETURNING id`,
          [organizationId, slug],
        );
        const teamId = String(rows[0]!.id);
        await m.query(`INSERT INTO team_members (team_id, organization_user_id) VALUES ($1, $2)`, [
          teamId,
          creatorMemberId,
        ]);
        return teamId;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** False when another team of the organization has the slug. */
  async renameTeam(teamId: string, slug: string): Promise<boolean> {
    try {
      await this.dataSource.query(`UPDATE teams SET slug = $2 WHERE id = $1`, [teamId, slug]);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async deleteTeam(teamId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM teams WHERE id = $1`, [teamId]);
  }

  async addTeamMember(teamId: string, memberId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO team_members (team_id, organization_user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [teamId, memberId],
    );
  }

  async isTeamMember(teamId: string, memberId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM team_members WHERE team_id = $1 AND organization_user_id = $2`,
      [teamId, memberId],
    );
    return rows.length > 0;
  }

  async removeTeamMember(teamId: string, memberId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM team_members WHERE team_id = $1 AND organization_user_id = $2`, [
      teamId,
      memberId,
    ]);
  }

  // Members

  async members(
    organizationId: string,
    page: { offset: number; limit: number },
    filter: { teamId?: string } = {},
  ): Promise<{ members: MemberDetail[]; total: number }> {
    const qb = this.dataSource
      .getRepository(OrganizationUserEntity)
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
    return { members: await this.withDetails(members), total };
  }

  async member(organizationId: string, memberId: string): Promise<MemberDetail | null> {
    if (!/^\d{1,18}$/.test(memberId)) return null;
    const member = await this.dataSource
      .getRepository(OrganizationUserEntity)
      .findOneBy({ id: memberId, organizationId });
    return member ? (await this.withDetails([member]))[0]! : null;
  }

  memberByUser(organizationId: string, userId: string): Promise<OrganizationUserEntity | null> {
    return this.dataSource.getRepository(OrganizationUserEntity).findOneBy({ organizationId, userId });
  }

  private async withDetails(members: OrganizationUserEntity[]): Promise<MemberDetail[]> {
    if (!members.length) return [];
    const userIds = members.map((m) => m.userId).filter((id): id is string => !!id);
    const users = userIds.length
      ? await this.dataSource.getRepository(UserEntity).findBy({ id: In(userIds) })
      : [];
    const teamRows: Array<{ member_id: string; slug: string }> = await this.dataSource.query(
      `SELECT tm.organization_user_id AS member_id, t.slug FROM team_members tm JOIN teams t ON t.id = tm.team_id
        WHERE tm.organization_user_id = ANY($1::bigint[]) ORDER BY t.slug`,
      [members.map((m) => m.id)],
    );
    const usersById = new Map(users.map((u) => [String(u.id), u]));
    return members.map((member) => ({
      member,
      user: member.userId ? (usersById.get(String(member.userId)) ?? null) : null,
      teams: teamRows.filter((r) => String(r.member_id) === String(member.id)).map((r) => r.slug),
    }));
  }

  /**
   * Invites an e-mail address: a pending member row, put in the given teams. A repeated invitation of a pending
   * address is accepted when `reinvite` is set (the caller sends the e-mail again).
   */
  async invite(
    organizationId: string,
    input: { email: string; role: OrganizationRole; teamSlugs: string[]; reinvite: boolean },
  ): Promise<InviteResult> {
    return this.dataSource.transaction(async (m) => {
      const existingMember: unknown[] = await m.query(
        `SELECT 1 FROM organization_users ou JOIN users u ON u.id = ou.user_id
          WHERE ou.organization_id = $1 AND lower(u.email) = lower($2)`,
        [organizationId, input.email],
      );
      if (existingMember.length) return { kind: 'already-member' as const };
      const repo = m.getRepository(OrganizationUserEntity);
      let member = await repo
        .createQueryBuilder('ou')
        .where('ou.organization_id = :organizationId AND lower(ou.email) = lower(:email)', {
          organizationId,
          email: input.email,
        })
        .getOne();
      if (member && !input.reinvite) return { kind: 'already-invited' as const };
      if (!member) {
        const saved = await repo.save({
          organizationId,
          email: input.email,
          userId: null,
          role: input.role,
        });
        member = await repo.findOneByOrFail({ id: saved.id });
      }
      if (input.teamSlugs.length) {
        await m.query(
          `INSERT INTO team_members (team_id, organization_user_id)
           SELECT id, $3 FROM teams WHERE organization_id = $1 AND slug = ANY($2::varchar[])
           ON CONFLICT DO NOTHING`,
          [organizationId, input.teamSlugs, member.id],
        );
      }
      return { kind: 'invited' as const, member };
    });
  }

  async setRole(memberId: string, role: OrganizationRole): Promise<void> {
    await this.dataSource.getRepository(OrganizationUserEntity).update(memberId, { role });
  }

  /** Members with the owner role, other than `exceptMemberId`. */
  async countOwners(
    organizationId: string,
    exceptMemberId?: string,
    manager?: EntityManager,
  ): Promise<number> {
    const rows: Array<{ n: string }> = await (manager ?? this.dataSource.manager).query(
      `SELECT count(*) AS n FROM organization_users
        WHERE organization_id = $1 AND role = $2 AND user_id IS NOT NULL AND ($3::bigint IS NULL OR id <> $3::bigint)`,
      [organizationId, OrganizationRole.Owner, exceptMemberId ?? null],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Removes a member; the issues of the organization assigned to them become unassigned. */
  async removeMember(memberId: string): Promise<void> {
    await this.dataSource.query(
      `WITH removed AS (DELETE FROM organization_users WHERE id = $1 RETURNING organization_id, user_id)
       UPDATE issues i SET assigned_user_id = NULL
         FROM removed r, projects p
        WHERE i.assigned_user_id = r.user_id AND i.project_id = p.id AND p.organization_id = r.organization_id`,
      [memberId],
    );
  }

  /** Makes a member the organization's one primary owner (with the owner role). */
  async setPrimaryOwner(organizationId: string, memberId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `UPDATE organization_users SET is_owner = false WHERE organization_id = $1 AND is_owner`,
        [organizationId],
      );
      await m.query(`UPDATE organization_users SET is_owner = true, role = $2 WHERE id = $1`, [
        memberId,
        OrganizationRole.Owner,
      ]);
    });
  }

  /** Turns a pending invitation into a membership of `userId`; false when that user is a member already. */
  async acceptInvite(memberId: string, userId: string): Promise<boolean> {
    try {
      await this.dataSource.query(`UPDATE organization_users SET user_id = $2, email = NULL WHERE id = $1`, [
        memberId,
        userId,
      ]);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** A pending invitation with its organization, by id. */
  async pendingInvite(memberId: string): Promise<OrganizationUserEntity | null> {
    if (!/^\d{1,18}$/.test(memberId)) return null;
    return this.dataSource.getRepository(OrganizationUserEntity).findOneBy({ id: memberId });
  }
}
