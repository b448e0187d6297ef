import { OrganizationRole } from './entities/organization-user.entity';

/** GlitchTip's 16 API token scopes, in bit order. */
export const SCOPES = [
  'project:read',
  'project:write',
  'project:admin',
  'project:releases',
  'team:read',
  'team:write',
  'team:admin',
  'event:read',
  'event:write',
  'event:admin',
  'org:read',
  'org:write',
  'org:admin',
  'member:read',
  'member:write',
  'member:admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export const ALL_SCOPES_BITS = (1 << SCOPES.length) - 1;

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function scopesToBits(scopes: readonly Scope[]): number {
  return scopes.reduce((bits, scope) => bits | (1 << SCOPES.indexOf(scope)), 0);
}

export function bitsToScopes(bits: number): Scope[] {
  return SCOPES.filter((_, index) => (bits & (1 << index)) !== 0);
}

const MEMBER_SCOPES: Scope[] = [
  'event:read',
  'event:write',
  'event:admin',
  'project:read',
  'project:releases',
  'org:read',
  'member:read',
  'team:read',
];
const ADMIN_SCOPES: Scope[] = [
  ...MEMBER_SCOPES,
  'project:write',
  'project:admin',
  'team:write',
  'team:admin',
];
const MANAGER_SCOPES: Scope[] = [...ADMIN_SCOPES, 'member:write', 'member:admin', 'org:write'];

/** What each organization role may do (GlitchTip's map, taken from Sentry). */
export const ROLE_SCOPES: Record<OrganizationRole, Scope[]> = {
  [OrganizationRole.Member]: MEMBER_SCOPES,
  [OrganizationRole.Admin]: ADMIN_SCOPES,
  [OrganizationRole.Manager]: MANAGER_SCOPES,
  [OrganizationRole.Owner]: [...SCOPES],
};
