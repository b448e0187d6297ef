import { Injectable } from '@nestjs/common';
import { Transactions } from '@app/core';
import { DirectoryRepository, MembersRepository } from '@app/organizations';
import { ProjectsRepository } from '@app/projects';
import { IssueActionError } from './issues.service';
import { IssuesRepository } from './issues.repository';

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
  constructor(
    private readonly issues: IssuesRepository,
    private readonly directory: DirectoryRepository,
    private readonly projects: ProjectsRepository,
    private readonly members: MembersRepository,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Removes a member (or invitation) from its organization; the organization's issues assigned to that user
   * become unassigned in the same transaction. Here because the organizations lib cannot see issues.
   */
  async removeMember(memberId: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const removed = await this.members.delete(tx, memberId);
      if (!removed?.userId) return;
      const projectIds = await this.projects.idsOfOrganization(tx, removed.organizationId);
      await this.issues.unassignUserInProjects(tx, removed.userId, projectIds);
    });
  }

  /** The assignee `value` names in the organization; throws IssueActionError when it names no one there. */
  async resolve(organizationId: string, value: string | null): Promise<IssueAssignee | null> {
    const text = (value ?? '').trim();
    if (text === '') return null;
    const team = /^team:(.+)$/i.exec(text)?.[1] ?? (text.startsWith('#') ? text.slice(1) : null);
    if (team !== null) {
      const teamId = await this.directory.teamIdInOrganization(organizationId, team);
      if (teamId === null) throw new IssueActionError(`No team "${team}" in this organization`);
      return { type: 'team', id: teamId };
    }
    const user = /^user:(.+)$/i.exec(text)?.[1] ?? text;
    const userId = await this.directory.memberUserId(organizationId, user);
    if (userId === null) throw new IssueActionError(`"${user}" is not a member of this organization`);
    return { type: 'user', id: userId };
  }

  /** A team can only be given issues of projects it has access to (as in Sentry); throws IssueActionError. */
  async checkAccess(issueIds: string[], assignee: IssueAssignee | null): Promise<void> {
    if (assignee?.type !== 'team' || issueIds.length === 0) return;
    const projectIds = await this.issues.projectIdsOf(issueIds);
    const reachable = await this.projects.projectIdsOfTeam(assignee.id, projectIds);
    if (projectIds.some((id) => !reachable.has(id))) {
      throw new IssueActionError("The team has no access to the issue's project");
    }
  }

  async assign(issueIds: string[], assignee: IssueAssignee | null): Promise<void> {
    if (issueIds.length === 0) return;
    await this.issues.assign(
      issueIds,
      assignee?.type === 'user' ? assignee.id : null,
      assignee?.type === 'team' ? assignee.id : null,
    );
  }

  /** The views of these issues' assignees, keyed `user:<id>` / `team:<id>`. */
  async views(issues: Array<{ assignedUserId: string | null; assignedTeamId: string | null }>) {
    const userIds = [...new Set(issues.map((i) => i.assignedUserId).filter((id): id is string => !!id))];
    const teamIds = [...new Set(issues.map((i) => i.assignedTeamId).filter((id): id is string => !!id))];
    const views = new Map<string, AssigneeView>();
    const [users, teams] = await Promise.all([
      this.directory.usersByIds(userIds),
      this.directory.teamsByIds(teamIds),
    ]);
    for (const u of users) {
      views.set(`user:${u.id}`, { type: 'user', id: u.id, name: u.name || u.email, email: u.email });
    }
    for (const t of teams) {
      views.set(`team:${t.id}`, { type: 'team', id: t.id, name: t.slug, slug: t.slug });
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
