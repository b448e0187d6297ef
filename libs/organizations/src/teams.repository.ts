import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { TeamEntity } from './entities/team.entity';

/** A team as lists show it: with its member count and whether the caller belongs to it. */
export interface TeamSummary {
  id: string;
  organizationId: string;
  slug: string;
  created: Date;
  memberCount: number;
  isMember: boolean;
}

interface TeamRow {
  id: string;
  organization_id: string;
  slug: string;
  created: Date;
  member_count: string;
  is_member: boolean;
}

/** $2 is the caller (for `is_member`). */
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

/** All SQL on `teams` and `team_members`. Methods with an optional `m` run in that transaction when one is given. */
@Injectable()
export class TeamsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private on(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }

  /**
   * The organization's teams by slug (only those in `teamIds` when given), seen by `userId`; one page and the
   * total when `page` is given, all of them otherwise.
   */
  async summaries(
    organizationId: string,
    userId: string,
    filter: { teamIds?: string[] } = {},
    page?: { offset: number; limit: number },
  ): Promise<{ teams: TeamSummary[]; total: number }> {
    const teamIds = filter.teamIds ?? null;
    const where = 't.organization_id = $1 AND ($3::bigint[] IS NULL OR t.id = ANY($3::bigint[]))';
    const paging = page ? ` OFFSET ${Number(page.offset)} LIMIT ${Number(page.limit)}` : '';
    const rows: TeamRow[] = await this.dataSource.query(
      `${TEAM_SELECT} WHERE ${where} ORDER BY t.slug, t.id${paging}`,
      [organizationId, userId, teamIds],
    );
    if (!page) return { teams: rows.map(toTeam), total: rows.length };
    const count: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM teams t WHERE t.organization_id = $1 AND ($2::bigint[] IS NULL OR t.id = ANY($2::bigint[]))`,
      [organizationId, teamIds],
    );
    return { teams: rows.map(toTeam), total: Number(count[0]?.n ?? 0) };
  }

  /** The organization's team with this slug, seen by `userId`. */
  async summaryBySlug(organizationId: string, slug: string, userId: string): Promise<TeamSummary | null> {
    const rows: TeamRow[] = await this.dataSource.query(
      `${TEAM_SELECT} WHERE t.organization_id = $1 AND t.slug = $3`,
      [organizationId, userId, slug],
    );
    return rows[0] ? toTeam(rows[0]) : null;
  }

  /** The organization's team with exactly this slug. */
  findBySlug(organizationId: string, slug: string): Promise<TeamEntity | null> {
    return this.on().getRepository(TeamEntity).findOneBy({ organizationId, slug });
  }

  /** The id of the organization's team with exactly this slug. */
  async idBySlug(organizationId: string, slug: string, m?: EntityManager): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.on(m).query(
      `SELECT id FROM teams WHERE organization_id = $1 AND slug = $2`,
      [organizationId, slug],
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  /** Ids of the teams with this slug, in any organization. */
  async idsWithSlug(slug: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM teams WHERE slug = $1`, [
      slug,
    ]);
    return rows.map((r) => String(r.id));
  }

  /** Whether a team has this slug: in the organization, or in any organization when it is null. */
  async slugExists(slug: string, organizationId: string | null, m?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await this.on(m).query(
      `SELECT 1 FROM teams WHERE slug = $1 AND ($2::bigint IS NULL OR organization_id = $2::bigint)`,
      [slug, organizationId],
    );
    return rows.length > 0;
  }

  /** Inserts a team; throws a unique violation when the organization has the slug. */
  insert(organizationId: string, slug: string, m?: EntityManager): Promise<TeamEntity> {
    return this.on(m).getRepository(TeamEntity).save({ organizationId, slug });
  }

  /** Throws a unique violation when another team of the organization has the slug. */
  async rename(teamId: string, slug: string): Promise<void> {
    await this.dataSource.query(`UPDATE teams SET slug = $2 WHERE id = $1`, [teamId, slug]);
  }

  /** Deletes a team; its memberships and project links go by cascade, its issues become unassigned. */
  async delete(teamId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM teams WHERE id = $1`, [teamId]);
  }

  /** Adds an organization member to a team (nothing when it is in it already). */
  async addMember(teamId: string, memberId: string, m?: EntityManager): Promise<void> {
    await this.on(m).query(
      `INSERT INTO team_members (team_id, organization_user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [teamId, memberId],
    );
  }

  /** Adds the member to those of the organization's teams that have one of these slugs. */
  async addMemberToTeamsWithSlugs(
    m: EntityManager,
    organizationId: string,
    slugs: string[],
    memberId: string,
  ): Promise<void> {
    if (!slugs.length) return;
    await m.query(
      `INSERT INTO team_members (team_id, organization_user_id)
       SELECT id, $3 FROM teams WHERE organization_id = $1 AND slug = ANY($2::varchar[])
       ON CONFLICT DO NOTHING`,
      [organizationId, slugs, memberId],
    );
  }

  async isMember(teamId: string, memberId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM team_members WHERE team_id = $1 AND organization_user_id = $2`,
      [teamId, memberId],
    );
    return rows.length > 0;
  }

  async removeMember(teamId: string, memberId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM team_members WHERE team_id = $1 AND organization_user_id = $2`, [
      teamId,
      memberId,
    ]);
  }

  /** The team slugs of each of these members, keyed by member id, each list in slug order. */
  async slugsOfMembers(memberIds: string[]): Promise<Map<string, string[]>> {
    const byMember = new Map<string, string[]>();
    if (!memberIds.length) return byMember;
    const rows: Array<{ member_id: string; slug: string }> = await this.dataSource.query(
      `SELECT tm.organization_user_id AS member_id, t.slug FROM team_members tm JOIN teams t ON t.id = tm.team_id
        WHERE tm.organization_user_id = ANY($1::bigint[]) ORDER BY t.slug`,
      [memberIds],
    );
    for (const row of rows) {
      const id = String(row.member_id);
      byMember.set(id, [...(byMember.get(id) ?? []), row.slug]);
    }
    return byMember;
  }

  /** These teams' ids and slugs, in slug order. */
  async slugsInOrder(teamIds: string[]): Promise<Array<{ id: string; slug: string }>> {
    if (!teamIds.length) return [];
    const rows: Array<{ id: string; slug: string }> = await this.dataSource.query(
      `SELECT id, slug FROM teams WHERE id = ANY($1::bigint[]) ORDER BY slug, id`,
      [teamIds],
    );
    return rows.map((r) => ({ id: String(r.id), slug: r.slug }));
  }

  /** Which of these teams the user is a member of. */
  async idsWithUser(userId: string, teamIds: string[]): Promise<Set<string>> {
    if (!teamIds.length) return new Set();
    const rows: Array<{ team_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT tm.team_id FROM team_members tm JOIN organization_users ou ON ou.id = tm.organization_user_id
        WHERE tm.team_id = ANY($1::bigint[]) AND ou.user_id = $2`,
      [teamIds, userId],
    );
    return new Set(rows.map((r) => String(r.team_id)));
  }

  /** The users who are members of any of these teams (once each), with what alert mails need. */
  async usersOfTeams(
    teamIds: string[],
  ): Promise<Array<{ userId: string; email: string; subscribeByDefault: boolean }>> {
    if (!teamIds.length) return [];
    const rows: Array<{ id: string; email: string; subscribe_by_default: boolean }> =
      await this.dataSource.query(
        `SELECT DISTINCT u.id, u.email, u.subscribe_by_default
         FROM team_members tm
         JOIN organization_users ou ON ou.id = tm.organization_user_id
         JOIN users u ON u.id = ou.user_id
        WHERE tm.team_id = ANY($1::bigint[]) AND u.is_active
        ORDER BY u.id`,
        [teamIds],
      );
    return rows.map((r) => ({
      userId: String(r.id),
      email: r.email,
      subscribeByDefault: r.subscribe_by_default,
    }));
  }
}
