import { Injectable } from '@nestjs/common';
import { Transactions, Tx } from '@app/core';
import { isUniqueViolation } from './accounts.service';
import { OrganizationRole, OrganizationUserEntity } from './entities/organization-user.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { UserEntity } from './entities/user.entity';
import { MembersRepository } from './members.repository';
import { OrganizationsRepository } from './organizations.repository';
import { TeamSummary, TeamsRepository } from './teams.repository';
import { UsersRepository } from './users.repository';

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

/**
 * Organizations, their members and invitations, and teams: the queries and commands the admin API needs.
 * Deleting an organization and removing a member touch other libs' tables, so the libs that own those
 * orchestrate them (ProjectsService.deleteOrganization, IssueAssignmentService.removeMember).
 */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly membersRepository: MembersRepository,
    private readonly teamsRepository: TeamsRepository,
    private readonly users: UsersRepository,
    private readonly transactions: Transactions,
  ) {}

  anyOrganizationExists(): Promise<boolean> {
    return this.organizations.anyExists();
  }

  /** The organizations a user belongs to, by name. */
  listForUser(
    userId: string,
    offset: number,
    limit: number,
  ): Promise<{ organizations: OrganizationEntity[]; total: number }> {
    return this.organizations.pageForUser(userId, offset, limit);
  }

  organizationsByIds(ids: string[]): Promise<OrganizationEntity[]> {
    return this.organizations.byIds(ids);
  }

  rename(organizationId: string, name: string): Promise<OrganizationEntity> {
    return this.organizations.rename(organizationId, name);
  }

  // Teams

  /** The organization's teams by slug (only `filter.teamIds` when given), all of them or one page. */
  teams(
    organizationId: string,
    userId: string,
    page?: { offset: number; limit: number },
    filter: { teamIds?: string[] } = {},
  ): Promise<{ teams: TeamSummary[]; total: number }> {
    return this.teamsRepository.summaries(organizationId, userId, filter, page);
  }

  team(organizationId: string, slug: string, userId: string): Promise<TeamSummary | null> {
    return this.teamsRepository.summaryBySlug(organizationId, slug, userId);
  }

  /**
   * Creates a team and makes its creator (an organization member) part of it; null when the slug is taken. In the
   * caller's transaction when given one (a taken slug then aborts it: check first), else in its own.
   */
  async createTeam(
    organizationId: string,
    slug: string,
    creatorMemberId?: string,
    tx?: Tx,
  ): Promise<string | null> {
    const create = async (m: Tx) => {
      const team = await this.teamsRepository.insert(organizationId, slug, m);
      if (creatorMemberId) await this.teamsRepository.addMember(team.id, creatorMemberId, m);
      return String(team.id);
    };
    if (tx) return create(tx);
    try {
      return await this.transactions.run(create);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** False when another team of the organization has the slug. */
  async renameTeam(teamId: string, slug: string): Promise<boolean> {
    try {
      await this.teamsRepository.rename(teamId, slug);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  deleteTeam(teamId: string): Promise<void> {
    return this.teamsRepository.delete(teamId);
  }

  addTeamMember(teamId: string, memberId: string): Promise<void> {
    return this.teamsRepository.addMember(teamId, memberId);
  }

  isTeamMember(teamId: string, memberId: string): Promise<boolean> {
    return this.teamsRepository.isMember(teamId, memberId);
  }

  removeTeamMember(teamId: string, memberId: string): Promise<void> {
    return this.teamsRepository.removeMember(teamId, memberId);
  }

  // Members

  async members(
    organizationId: string,
    page: { offset: number; limit: number },
    filter: { teamId?: string } = {},
  ): Promise<{ members: MemberDetail[]; total: number }> {
    const { members, total } = await this.membersRepository.pageOf(organizationId, page, filter);
    return { members: await this.withDetails(members), total };
  }

  async member(organizationId: string, memberId: string): Promise<MemberDetail | null> {
    if (!/^\d{1,18}$/.test(memberId)) return null;
    const member = await this.membersRepository.findInOrganization(organizationId, memberId);
    return member ? (await this.withDetails([member]))[0]! : null;
  }

  memberByUser(organizationId: string, userId: string): Promise<OrganizationUserEntity | null> {
    return this.membersRepository.findOfUser(organizationId, userId);
  }

  private async withDetails(members: OrganizationUserEntity[]): Promise<MemberDetail[]> {
    if (!members.length) return [];
    const userIds = members.map((m) => m.userId).filter((id): id is string => !!id);
    const [users, teamSlugs] = await Promise.all([
      this.users.byIds(userIds),
      this.teamsRepository.slugsOfMembers(members.map((m) => String(m.id))),
    ]);
    const usersById = new Map(users.map((u) => [String(u.id), u]));
    return members.map((member) => ({
      member,
      user: member.userId ? (usersById.get(String(member.userId)) ?? null) : null,
      teams: teamSlugs.get(String(member.id)) ?? [],
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
    return this.transactions.run(async (tx) => {
      if (await this.membersRepository.hasMemberWithEmail(tx, organizationId, input.email)) {
        return { kind: 'already-member' as const };
      }
      let member = await this.membersRepository.findInvitation(tx, organizationId, input.email);
      if (member && !input.reinvite) return { kind: 'already-invited' as const };
      member ??= await this.membersRepository.insert(
        { organizationId, email: input.email, userId: null, role: input.role },
        tx,
      );
      await this.teamsRepository.addMemberToTeamsWithSlugs(tx, organizationId, input.teamSlugs, member.id);
      return { kind: 'invited' as const, member };
    });
  }

  setRole(memberId: string, role: OrganizationRole): Promise<void> {
    return this.membersRepository.setRole(memberId, role);
  }

  /** Members with the owner role, other than `exceptMemberId`. */
  countOwners(organizationId: string, exceptMemberId?: string): Promise<number> {
    return this.membersRepository.countOwners(organizationId, exceptMemberId);
  }

  /** Makes a member the organization's one primary owner (with the owner role). */
  setPrimaryOwner(organizationId: string, memberId: string): Promise<void> {
    return this.transactions.run((tx) =>
      this.membersRepository.setPrimaryOwner(tx, organizationId, memberId),
    );
  }

  /** Turns a pending invitation into a membership of `userId`; false when that user is a member already. */
  async acceptInvite(memberId: string, userId: string): Promise<boolean> {
    try {
      await this.membersRepository.attachUser(memberId, userId);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** A pending invitation with its organization, by id. */
  async pendingInvite(memberId: string): Promise<OrganizationUserEntity | null> {
    if (!/^\d{1,18}$/.test(memberId)) return null;
    return this.membersRepository.findById(memberId);
  }
}
