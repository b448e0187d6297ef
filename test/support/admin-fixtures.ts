import { Browser, signedUpBrowser } from './browser';
import { http, HttpResult } from './http';

export const PASSWORD = 'correct horse battery staple';

/** Who calls: browser sessions by organization role, a stranger, and API tokens of the owner. */
export type Actor = 'owner' | 'admin' | 'member' | 'outsider' | 'tokenWith' | 'tokenWithout';
export const ACTORS: Actor[] = ['owner', 'admin', 'member', 'outsider', 'tokenWith', 'tokenWithout'];

export interface Organization {
  baseUrl: string;
  slug: string;
  team: string;
  project: string;
  projectId: string;
  dsn: string;
  owner: Browser;
  admin: Browser;
  member: Browser;
  /** Member ids in the organization. */
  memberIds: { owner: string; admin: string; member: string };
  /** Signed up, owns an organization of its own, not a member of this one. */
  outsider: Browser;
  outsiderOrg: { slug: string; project: string; projectId: string };
}

/** A session-authenticated call (or a Bearer one when `token` is given). */
export function call(
  baseUrl: string,
  who: Browser | { token: string },
  method: string,
  path: string,
  json?: unknown,
): Promise<HttpResult<any>> {
  if (who instanceof Browser) return who.request(method, path, json === undefined ? {} : { json });
  return http<any>(baseUrl, path, { method, token: who.token, ...(json === undefined ? {} : { json }) });
}

export async function expectOk<T = any>(res: Promise<HttpResult<T>>, status = 200): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
  return r.body;
}

/** A token of `browser`'s user with these scopes (made the way the web UI makes them). */
export async function createToken(browser: Browser, scopes: string[], label = 'test'): Promise<string> {
  const body = await expectOk<{ token: string }>(browser.post('/api/0/api-tokens/', { label, scopes }), 201);
  return body.token;
}

/** Invites `email` with `role`, lets the invitee sign up and accept through the returned link. */
export async function inviteAndAccept(
  baseUrl: string,
  owner: Browser,
  organization: string,
  email: string,
  role: 'member' | 'admin' | 'manager' | 'owner',
  teamSlugs: string[] = [],
): Promise<{ browser: Browser; memberId: string }> {
  const invite = await expectOk<{ id: string; inviteLink: string }>(
    owner.post(`/api/0/organizations/${organization}/members/`, {
      email,
      orgRole: role,
      teamRoles: teamSlugs.map((teamSlug) => ({ teamSlug, role: '' })),
      sendInvite: false,
      reinvite: true,
    }),
    201,
  );
  const [, memberId, token] = /\/accept\/(\d+)\/([^/]+)\/$/.exec(new URL(invite.inviteLink).pathname)!;
  const browser = await signedUpBrowser(baseUrl, email, PASSWORD);
  await expectOk(browser.post(`/api/0/accept/${memberId}/${token}/`, { acceptInvite: true }));
  return { browser, memberId: memberId! };
}

/**
 * Owner (signed up first, so the organization may be created), an admin and a member who joined through
 * invitations, and an outsider with an organization of their own. Needs ENABLE_ORGANIZATION_CREATION=true.
 */
export async function organizationWithRoles(baseUrl: string, prefix: string): Promise<Organization> {
  const owner = await signedUpBrowser(baseUrl, `${prefix}-owner@example.com`);
  const org = await expectOk<{ slug: string }>(
    owner.post('/api/0/organizations/', { name: `${prefix} Org` }),
    201,
  );
  await expectOk(owner.post(`/api/0/organizations/${org.slug}/teams/`, { slug: 'core' }), 201);
  const project = await expectOk<{ slug: string; id: string }>(
    owner.post(`/api/0/teams/${org.slug}/core/projects/`, { name: 'API', platform: 'node' }),
    201,
  );
  const [key] = await expectOk<Array<{ dsn: { public: string } }>>(
    owner.get(`/api/0/projects/${org.slug}/${project.slug}/keys/`),
  );
  const admin = await inviteAndAccept(baseUrl, owner, org.slug, `${prefix}-admin@example.com`, 'admin', [
    'core',
  ]);
  const member = await inviteAndAccept(baseUrl, owner, org.slug, `${prefix}-member@example.com`, 'member');
  const members = await expectOk<Array<{ id: string; email: string }>>(
    owner.get(`/api/0/organizations/${org.slug}/members/`),
  );
  const outsider = await signedUpBrowser(baseUrl, `${prefix}-outsider@example.com`);
  const outsiderOrg = await expectOk<{ slug: string }>(
    outsider.post('/api/0/organizations/', { name: `${prefix} Elsewhere` }),
    201,
  );
  await expectOk(outsider.post(`/api/0/organizations/${outsiderOrg.slug}/teams/`, { slug: 'core' }), 201);
  const outsiderProject = await expectOk<{ slug: string; id: string }>(
    outsider.post(`/api/0/teams/${outsiderOrg.slug}/core/projects/`, { name: 'API' }),
    201,
  );
  return {
    baseUrl,
    slug: org.slug,
    team: 'core',
    project: project.slug,
    projectId: project.id,
    dsn: key!.dsn.public,
    owner,
    admin: admin.browser,
    member: member.browser,
    memberIds: {
      owner: members.find((m) => m.email === `${prefix}-owner@example.com`)!.id,
      admin: admin.memberId,
      member: member.memberId,
    },
    outsider,
    outsiderOrg: { slug: outsiderOrg.slug, project: outsiderProject.slug, projectId: outsiderProject.id },
  };
}
