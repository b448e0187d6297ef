import {
  ApiTokenEntity,
  bitsToScopes,
  MemberDetail,
  OrganizationEntity,
  roleId,
  roleLabel,
  TeamSummary,
} from '@app/organizations';
import { buildDsn, buildSecurityEndpoint, ProjectKeyEntity, ProjectSummary } from '@app/projects';
import { serializeUser } from '../root/user.mapper';
import type { ApiTokenDto } from './dto/api-token.dto';
import type { OrganizationUserDetailDto, OrganizationUserDto } from './dto/member.dto';
import type { OrganizationDto } from './dto/organization.dto';
import type { ProjectKeyDto } from './dto/project-key.dto';
import type { ProjectDto, ProjectOrganizationDto, ProjectTeamDto } from './dto/project.dto';
import type { TeamDto, TeamProjectDto } from './dto/team.dto';

/** OrganizationSchema. */
export function serializeOrganization(organization: OrganizationEntity): OrganizationDto {
  return {
    id: String(organization.id),
    name: organization.name,
    slug: organization.slug,
    dateCreated: organization.created.toISOString(),
    status: { id: 'active', name: 'active' },
    avatar: { avatarType: '', avatarUuid: null },
    isEarlyAdopter: false,
    require2fa: false,
    isAcceptingEvents: organization.isAcceptingEvents,
    eventThrottleRate: organization.eventThrottleRate,
  };
}

/** ProjectSchema. */
export function serializeProject({ project, isMember }: ProjectSummary): ProjectDto {
  return {
    id: String(project.id),
    name: project.name,
    slug: project.slug,
    platform: project.platform,
    dateCreated: project.created.toISOString(),
    firstEvent: project.firstEvent?.toISOString() ?? null,
    eventThrottleRate: project.eventThrottleRate,
    avatar: { avatarType: '', avatarUuid: null },
    color: '',
    features: [],
    hasAccess: true,
    isBookmarked: false,
    isInternal: false,
    isMember,
    isPublic: false,
    scrubIPAddresses: project.scrubIpAddresses,
  };
}

/** ProjectTeamSchema: with the slugs of its teams. */
export function serializeProjectTeam(summary: ProjectSummary): ProjectTeamDto {
  return { ...serializeProject(summary), teams: summary.teams };
}

/** ProjectOrganizationSchema: with its organization. */
export function serializeProjectOrganization(
  summary: ProjectSummary,
  organization: OrganizationEntity,
): ProjectOrganizationDto {
  return { ...serializeProject(summary), organization: serializeOrganization(organization) };
}

/** TeamSchema. */
export function serializeTeam(team: TeamSummary): TeamDto {
  return {
    id: team.id,
    slug: team.slug,
    dateCreated: team.created.toISOString(),
    isMember: team.isMember,
    memberCount: team.memberCount,
  };
}

/** TeamProjectSchema: with its projects. */
export function serializeTeamProjects(team: TeamSummary, projects: ProjectSummary[]): TeamProjectDto {
  return { ...serializeTeam(team), projects: projects.map(serializeProject) };
}

/** OrganizationUserSchema; `withPassword` holds the ids of users with a usable password. */
export function serializeMember(detail: MemberDetail, withPassword: Set<string>): OrganizationUserDto {
  const { member, user } = detail;
  return {
    id: String(member.id),
    role: roleId(member.role),
    roleName: roleLabel(member.role),
    dateCreated: member.created.toISOString(),
    email: user?.email ?? member.email ?? '',
    user: user ? serializeUser(user, withPassword.has(String(user.id))) : null,
    pending: !member.userId,
    isOwner: member.isOwner,
  };
}

/** OrganizationUserDetailSchema: with the slugs of its teams. */
export function serializeMemberDetail(
  detail: MemberDetail,
  withPassword: Set<string>,
): OrganizationUserDetailDto {
  return { ...serializeMember(detail, withPassword), teams: detail.teams };
}

/** ProjectKeySchema, with DSNs built from GLITCHTIP_DOMAIN. */
export function serializeKey(key: ProjectKeyEntity, domain: string): ProjectKeyDto {
  return {
    id: key.publicKey,
    public: key.publicKey,
    name: key.name,
    label: key.name,
    rateLimit:
      key.rateLimitCount !== null ? { window: key.rateLimitWindow ?? 0, count: key.rateLimitCount } : null,
    dateCreated: key.created.toISOString(),
    projectID: Number(key.projectId),
    isActive: key.isActive,
    dsn: {
      public: buildDsn(domain, key.publicKey, key.projectId),
      secret: buildDsn(domain, key.publicKey, key.projectId),
      security: buildSecurityEndpoint(domain, key.publicKey, key.projectId),
    },
  };
}

/** APITokenSchema. The plaintext exists only when the token was just created; lists show its first characters. */
export function serializeToken(token: ApiTokenEntity, plaintext?: string): ApiTokenDto {
  return {
    id: Number(token.id),
    label: token.label,
    scopes: bitsToScopes(token.scopes),
    token: plaintext ?? token.tokenHint.padEnd(64, '*'),
    created: token.created.toISOString(),
  };
}
