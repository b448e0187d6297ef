import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IssueActionError } from './issues.service';

export type IssueAssignee = { type: 'user'; id: string } | { type: 'team'; id: string };

/** How an assignee is shown (Sentry's actor shape). */
export type AssigneeView =
  | { type: 'user'; id: string; name: string; email: string }
  | { type: 'team'; id: string; name: string; slug: string };

/**
 * Assigning issues to a member of their organization or to one of its teams. `assignedTo` comes in the forms
 * GlitchTip's and Sentry's clients send: `user:<id>`, `team:<id>`, `#<team-slug>`, a member's email or username
 * (GlitchTip's usernames are emails), or a bare user id; `null` or `""` unassigns.
 */
@Injectable()
export class IssueAssignmentService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The assignee `value` names in the organization; throws IssueActionError when it names no one there. */
  async resolve(organizationId: string, value: string | null): Promise<IssueAssignee | null> {
    const text = (value ?? '').trim();
    if (text === '') return null;
    const team = /^team:(.+)$/i.exec(text)?.[1] ?? (text.startsWith('#') ? text.slice(1) : null);
    if (team !== null) {
      const rows: Array<{ id: string }> = await this.dataSource.query(
        `SELECT id FROM teams WHERE organization_id = $1 AND (slug = $2 OR id::text = $2)`,
        [organizationId, team.toLowerCase()],
      );
      if (!rows[0]) throw new IssueActionError(`No team "${team}" in this organization`);
      return { type: 'team', id: String(rows[0].id) };
    }
    const user = /^user:(.+)$/i.exec(text)?.[1] ?? text;
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT u.id FROM organization_users ou JOIN users u ON u.id = ou.user_id
        WHERE ou.organization_id = $1 AND (u.id::text = $2 OR lower(u.email) = lower($2))`,
      [organizationId, user],
    );
    if (!rows[0]) throw new IssueActionError(`"${user}" is not a member of this organization`);
    return { type: 'user', id: String(rows[0].id) };
  }

  /** A team can only be given issues of projects it has access to (as in Sentry); throws IssueActionError. */
  async checkAccess(issueIds: string[], assignee: IssueAssignee | null): Promise<void> {
    if (assignee?.type !== 'team' || issueIds.length === 0) return;
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT i.id FROM issues i
        WHERE i.id = ANY($1::bigint[])
          AND NOT EXISTS (SELECT 1 FROM project_teams pt WHERE pt.project_id = i.project_id AND pt.team_id = $2)
        LIMIT 1`,
      [issueIds, assignee.id],
    );
    if (rows[0]) throw new IssueActionError("The team has no access to the issue's project");
  }

  async assign(issueIds: string[], assignee: IssueAssignee | null): Promise<void> {
    if (issueIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE issues SET assigned_user_id = $2, assigned_team_id = $3 WHERE id = ANY($1::bigint[])`,
      [
        issueIds,
        assignee?.type === 'user' ? assignee.id : null,
        assignee?.type === 'team' ? assignee.id : null,
      ],
    );
  }

  /** The views of these issues' assignees, keyed `user:<id>` / `team:<id>`. */
  async views(issues: Array<{ assignedUserId: string | null; assignedTeamId: string | null }>) {
    const userIds = [...new Set(issues.map((i) => i.assignedUserId).filter((id): id is string => !!id))];
    const teamIds = [...new Set(issues.map((i) => i.assignedTeamId).filter((id): id is string => !!id))];
    const views = new Map<string, AssigneeView>();
    const [users, teams] = await Promise.all([
      userIds.length
        ? this.dataSource.query(`SELECT id, name, email FROM users WHERE id = ANY($1::bigint[])`, [userIds])
        : [],
      teamIds.length
        ? this.dataSource.query(`SELECT id, slug FROM teams WHERE id = ANY($1::bigint[])`, [teamIds])
        : [],
    ]);
    for (const u of users as Array<{ id: string; name: string; email: string }>) {
      views.set(`user:${u.id}`, { type: 'user', id: String(u.id), name: u.name || u.email, email: u.email });
    }
    for (const t of teams as Array<{ id: string; slug: string }>) {
      views.set(`team:${t.id}`, { type: 'team', id: String(t.id), name: t.slug, slug: t.slug });
    }
    return views;
  }
}

/** The key of an issue's assignee in `IssueAssignmentService.views`, or null when unassigned. */
export function assigneeKey(issue: {
  assignedUserId: string | null;
  assignedTeamId: string | null;
}): string | null {
  if (issue.assignedUserId) return `user:${issue.assignedUserId}`;
  if (issue.assignedTeamId) return `team:${issue.assignedTeamId}`;
  return null;
}
