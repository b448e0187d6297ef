import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Transactions, Tx } from '@app/core';
import { EventsRepository } from '@app/events';
import {
  isUniqueViolation,
  MembersRepository,
  OrganizationsRepository,
  TeamSummary,
  TeamsRepository,
} from '@app/organizations';
import { ProjectKeyEntity } from './entities/project-key.entity';
import { ProjectEntity } from './entities/project.entity';
import { EnvironmentsRepository, EnvironmentVisibility, ProjectEnvironment } from './environments.repository';
import { ProjectKeyInvalidation } from './project-key-invalidation';
import { ProjectKeyPatch, ProjectKeysRepository } from './project-keys.repository';
import { ProjectPatch, ProjectsRepository } from './projects.repository';
import { UserProjectAlertsRepository } from './user-project-alerts.repository';

/** A project as lists show it: whether the caller is in one of its teams, and those teams. */
export interface ProjectSummary {
  project: ProjectEntity;
  isMember: boolean;
  teams: Array<{ id: string; slug: string }>;
}

export interface ProjectListFilter {
  /** Projects of these organizations (always narrowed to the caller's memberships). */
  organizationId?: string;
  teamId?: string;
  /** `team:<slug>` / `!team:<slug>` of the organization projects query. */
  withTeamSlugs?: string[];
  withoutTeamSlugs?: string[];
}

export interface KeyRateLimit {
  window: number;
  count: number;
}

/**
 * Projects, their DSN keys, team links, environments and alert choices. Also the deletions that must remove
 * events (which have no foreign keys) before the rows they belong to: of a project and of a whole organization.
 * Methods with an optional `tx` run in that transaction when one is given.
 */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly keys: ProjectKeysRepository,
    private readonly environments: EnvironmentsRepository,
    private readonly alerts: UserProjectAlertsRepository,
    private readonly teams: TeamsRepository,
    private readonly members: MembersRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly events: EventsRepository,
    private readonly transactions: Transactions,
    private readonly keyInvalidation: ProjectKeyInvalidation,
  ) {}

  /**
   * Every change that ingest's key cache reflects (keys, projects, organizations) ends here, whoever made it (REST
   * API or `manage`). In the caller's transaction the message goes out before the commit: only new rows are
   * written that way, which no cache can hold yet.
   */
  private invalidateKeys(): Promise<void> {
    return this.keyInvalidation.publish();
  }

  /** Creates a project in an organization, linked to a team, with its first DSN key (named "", as GlitchTip does). */
  async createProject(
    input: {
      organizationId: string;
      name: string;
      slug: string;
      platform?: string | null;
      teamId?: string;
      eventThrottleRate?: number;
    },
    tx?: Tx,
  ): Promise<{ project: ProjectEntity; key: ProjectKeyEntity }> {
    if (!tx) return this.transactions.run((t) => this.createProject(input, t));
    const project = await this.projects.insert(tx, input);
    if (input.teamId) await this.projects.linkTeam(project.id, input.teamId, tx);
    const key = await this.createKey(project.id, '', tx);
    return { project: await this.projects.get(project.id, tx), key };
  }

  async createKey(
    projectId: string,
    name: string,
    tx?: Tx,
    rateLimit?: KeyRateLimit | null,
  ): Promise<ProjectKeyEntity> {
    const key = await this.keys.insert(
      {
        projectId,
        name,
        publicKey: randomUUID(),
        rateLimitCount: rateLimit?.count ?? null,
        rateLimitWindow: rateLimit?.window ?? null,
      },
      tx,
    );
    await this.invalidateKeys();
    return key;
  }

  findBySlug(organizationId: string, slugOrName: string, tx?: Tx): Promise<ProjectEntity | null> {
    return this.projects.findBySlugOrName(organizationId, slugOrName, tx);
  }

  firstActiveKey(projectId: string, tx?: Tx): Promise<ProjectKeyEntity | null> {
    return this.keys.firstActive(projectId, tx);
  }

  /** Projects of the caller's organizations, by name, with membership and teams. */
  async listProjects(
    userId: string,
    filter: ProjectListFilter,
    page?: { offset: number; limit: number },
  ): Promise<{ projects: ProjectSummary[]; total: number }> {
    // Team slugs match teams of any organization, as GlitchTip's query does.
    const teamIdsOf = (slugs: string[] = []) =>
      Promise.all(slugs.map((slug) => this.teams.idsWithSlug(slug)));
    const [organizationIds, withTeamIds, withoutTeamIds] = await Promise.all([
      this.members.organizationIdsOfUser(userId),
      teamIdsOf(filter.withTeamSlugs),
      teamIdsOf(filter.withoutTeamSlugs),
    ]);
    const { projects, total } = await this.projects.pageOf(
      {
        organizationIds,
        organizationId: filter.organizationId,
        teamId: filter.teamId,
        withTeamIds,
        withoutTeamIds,
      },
      page,
    );
    return { projects: await this.summaries(projects, userId), total };
  }

  async summary(project: ProjectEntity, userId: string): Promise<ProjectSummary> {
    return (await this.summaries([project], userId))[0]!;
  }

  /** Membership and teams of many projects, in a few queries whatever their number. */
  async summaries(projects: ProjectEntity[], userId: string): Promise<ProjectSummary[]> {
    if (!projects.length) return [];
    const links = await this.projects.teamLinksOf(projects.map((p) => String(p.id)));
    const teamIds = [...new Set(links.map((l) => l.teamId))];
    const [teamsInSlugOrder, teamsOfUser] = await Promise.all([
      this.teams.slugsInOrder(teamIds),
      this.teams.idsWithUser(userId, teamIds),
    ]);
    return projects.map((project) => {
      const linked = new Set(links.filter((l) => l.projectId === String(project.id)).map((l) => l.teamId));
      return {
        project,
        isMember: [...linked].some((teamId) => teamsOfUser.has(teamId)),
        teams: teamsInSlugOrder.filter((team) => linked.has(team.id)),
      };
    });
  }

  /** Projects linked to any of these teams, keyed by team id. */
  async projectsOfTeams(teamIds: string[], userId: string): Promise<Map<string, ProjectSummary[]>> {
    const byTeam = new Map<string, ProjectSummary[]>();
    if (!teamIds.length) return byTeam;
    const links = await this.projects.linksOfTeams(teamIds);
    const projects = await this.projects.byIds([...new Set(links.map((l) => l.projectId))]);
    const summaries = new Map(
      (await this.summaries(projects, userId)).map((s) => [String(s.project.id), s] as const),
    );
    for (const link of links) {
      const summary = summaries.get(link.projectId);
      if (!summary) continue;
      byTeam.set(link.teamId, [...(byTeam.get(link.teamId) ?? []), summary]);
    }
    return byTeam;
  }

  /** The organization's teams that have access to the project, as `OrganizationsService.teams` lists them. */
  async teamsOfProject(
    organizationId: string,
    userId: string,
    projectId: string,
    page?: { offset: number; limit: number },
  ): Promise<{ teams: TeamSummary[]; total: number }> {
    const teamIds = await this.projects.teamIdsOf(projectId);
    return this.teams.summaries(organizationId, userId, { teamIds }, page);
  }

  /** A unique slug for a project of the organization ("new" is reserved by the web UI's routes). */
  async uniqueSlug(organizationId: string, base: string, exceptProjectId?: string, tx?: Tx): Promise<string> {
    const root = base === 'new' ? 'new-1' : base;
    for (let n = 0; ; n++) {
      const candidate = n === 0 ? root : `${root.slice(0, 60)}-${n}`;
      if (!(await this.projects.slugTaken(organizationId, candidate, exceptProjectId, tx))) return candidate;
    }
  }

  /** Applies the fields given; null when the new slug is taken in the organization. */
  async updateProject(
    projectId: string,
    patch: { name?: string; slug?: string; platform?: string | null; eventThrottleRate?: number },
  ): Promise<ProjectEntity | null> {
    const values = Object.fromEntries(
      Object.entries(patch).filter(([, v]) => v !== undefined),
    ) as ProjectPatch;
    try {
      await this.projects.update(projectId, values);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    await this.invalidateKeys();
    return this.projects.get(projectId);
  }

  /** Deletes a project with its events (which have no foreign key); the rest goes by cascade. */
  async deleteProject(projectId: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.events.deleteOfProjects(tx, [projectId]);
      await this.projects.delete(tx, projectId);
    });
    await this.invalidateKeys();
  }

  /**
   * Deletes an organization with everything in it: the events of its projects first (they have no foreign key),
   * then the organization, whose members, teams, projects, issues, keys and environments go by cascade.
   */
  async deleteOrganization(organizationId: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      await this.events.deleteOfProjects(tx, await this.projects.idsOfOrganization(tx, organizationId));
      await this.organizations.delete(tx, organizationId);
    });
    await this.invalidateKeys();
  }

  linkTeam(projectId: string, teamId: string): Promise<void> {
    return this.projects.linkTeam(projectId, teamId);
  }

  unlinkTeam(projectId: string, teamId: string): Promise<void> {
    return this.projects.unlinkTeam(projectId, teamId);
  }

  // DSN keys

  listKeys(
    projectId: string,
    page: { offset: number; limit: number },
  ): Promise<{ keys: ProjectKeyEntity[]; total: number }> {
    return this.keys.pageOf(projectId, page);
  }

  /** A key of the project by its public UUID (dashed or not). */
  async findKey(projectId: string, publicKey: string): Promise<ProjectKeyEntity | null> {
    const hex = publicKey.replace(/-/g, '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(hex)) return null;
    return this.keys.findByHex(projectId, hex);
  }

  async updateKey(
    keyId: string,
    patch: { name?: string; rateLimit?: KeyRateLimit | null; isActive?: boolean },
  ): Promise<ProjectKeyEntity> {
    const values: ProjectKeyPatch = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.isActive !== undefined) values.isActive = patch.isActive;
    if (patch.rateLimit !== undefined) {
      values.rateLimitCount = patch.rateLimit?.count ?? null;
      values.rateLimitWindow = patch.rateLimit?.window ?? null;
    }
    const key = await this.keys.update(keyId, values);
    await this.invalidateKeys();
    return key;
  }

  async deleteKey(keyId: string): Promise<void> {
    await this.keys.delete(keyId);
    await this.invalidateKeys();
  }

  // Environments (created by ingest from the events' `environment`)

  projectEnvironments(
    projectId: string,
    visibility: EnvironmentVisibility,
    page: { offset: number; limit: number },
  ): Promise<{ environments: ProjectEnvironment[]; total: number }> {
    return this.environments.pageOfProject(projectId, visibility, page);
  }

  /** An organization's environments: "visible" = shown in at least one project, "hidden" = hidden in one. */
  organizationEnvironments(
    organizationId: string,
    visibility: EnvironmentVisibility,
    page: { offset: number; limit: number },
  ): Promise<{ environments: Array<{ id: number; name: string }>; total: number }> {
    return this.environments.pageOfOrganization(organizationId, visibility, page);
  }

  /** Hides or shows an environment in a project; null when the project has no such environment. */
  setEnvironmentHidden(
    projectId: string,
    name: string,
    isHidden: boolean,
  ): Promise<ProjectEnvironment | null> {
    return this.environments.setHidden(projectId, name, isHidden);
  }

  // Per-user alert preferences

  /** `{projectId: status}` for the projects where the user chose something other than the default. */
  userAlerts(userId: string): Promise<Record<string, number>> {
    return this.alerts.statusesOf(userId);
  }

  /** Status -1 goes back to the default (the row is removed); 0 off, 1 on. */
  setUserAlert(userId: string, projectId: string, status: -1 | 0 | 1): Promise<void> {
    return status === -1
      ? this.alerts.delete(userId, projectId)
      : this.alerts.upsert(userId, projectId, status);
  }
}
