import { OrganizationRole } from './entities/organization-user.entity';
import { ROLE_SCOPES } from './scopes';

/** Role ids as the API spells them, indexed by OrganizationRole. */
export const ROLE_IDS = ['member', 'admin', 'manager', 'owner'] as const;
export type RoleId = (typeof ROLE_IDS)[number];
const ROLE_LABELS = ['Member', 'Admin', 'Manager', 'Owner'];

export function roleId(role: OrganizationRole): RoleId {
  return ROLE_IDS[role] ?? 'member';
}

export function roleLabel(role: OrganizationRole): string {
  return ROLE_LABELS[role] ?? 'Member';
}

export function roleFromId(id: RoleId): OrganizationRole {
  return ROLE_IDS.indexOf(id) as OrganizationRole;
}

/** The scopes the web UI gates its buttons on (`access` of an organization): the role's, plus org:integrations. */
export function roleAccess(role: OrganizationRole): string[] {
  const scopes: string[] = [...ROLE_SCOPES[role]];
  if (role >= OrganizationRole.Admin) scopes.push('org:integrations');
  return scopes;
}
