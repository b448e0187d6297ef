import { randomUUID } from 'node:crypto';
import {
  Actor,
  ACTORS,
  call,
  createToken,
  expectOk,
  Organization,
  organizationWithRoles,
} from '../support/admin-fixtures';
import { http } from '../support/http';
import { startTestStack, TestStack } from '../support/test-app';

/**
 * The permission matrix: for each resource family, what the owner, an admin, a member and a non-member get through
 * their browser sessions, and what tokens of the owner get with and without the scope the endpoint needs.
 * Non-members get 404 (nothing of another organization is visible), too-low roles and missing scopes 403.
 */
interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** May create a fresh target for actors that are expected to succeed at a destructive call. */
  path: (actor: Actor) => string | Promise<string>;
  body?: (actor: Actor) => unknown;
  /** The scope the "with" token has, and the one the "without" token has instead. */
  scopes: [string, string];
  /** Expected statuses for owner, admin, member, outsider, tokenWith, tokenWithout. */
  expect: [number, number, number, number, number, number];
}

describe('admin API permissions: roles for sessions, scopes for tokens, 404 across organizations', () => {
  let stack: TestStack;
  let org: Organization;
  let keyId: string;
  const tokens = new Map<string, string>();
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(async () => {
    stack = await startTestStack({ env: { ENABLE_ORGANIZATION_CREATION: 'true' } });
    org = await organizationWithRoles(stack.baseUrl, 'perm');
    const [key] = await expectOk(org.owner.get(`/api/0/projects/${org.slug}/${org.project}/keys/`));
    keyId = key.id;
    // An event with an environment, so that environments and issues exist.
    const res = await fetch(
      `${stack.baseUrl}/api/${org.projectId}/store/?sentry_key=${new URL(org.dsn).username}`,
      {
        method: 'POST',
        body: JSON.stringify({
          message: 'Permission matrix event',
          level: 'error',
          environment: 'production',
        }),
      },
    );
    expect(res.status).toBe(200);
    await stack.drain();
  });
  afterAll(() => stack.close());

  async function token(scope: string): Promise<string> {
    if (!tokens.has(scope)) tokens.set(scope, await createToken(org.owner, [scope], scope));
    return tokens.get(scope)!;
  }

  const fresh = {
    organization: async () =>
      (await expectOk(org.owner.post('/api/0/organizations/', { name: `Doomed ${unique()}` }), 201))
        .slug as string,
    invite: async () =>
      (
        await expectOk(
          org.owner.post(`/api/0/organizations/${org.slug}/members/`, {
            email: `invitee-${unique()}@example.com`,
            orgRole: 'member',
            sendInvite: false,
          }),
          201,
        )
      ).id as string,
    team: async () => {
      const slug = `team-${unique()}`;
      await expectOk(org.owner.post(`/api/0/organizations/${org.slug}/teams/`, { slug }), 201);
      return slug;
    },
    project: async () =>
      (
        await expectOk(
          org.owner.post(`/api/0/teams/${org.slug}/core/projects/`, { name: `P ${unique()}` }),
          201,
        )
      ).slug as string,
    key: async () =>
      (await expectOk(org.owner.post(`/api/0/projects/${org.slug}/${org.project}/keys/`, { name: 'k' }), 201))
        .id as string,
  };
  const O = () => org.slug;
  const P = () => `${org.slug}/${org.project}`;

  const cases: Case[] = [
    // Organizations
    {
      name: 'list organizations',
      method: 'GET',
      path: () => '/api/0/organizations/',
      scopes: ['org:read', 'project:read'],
      expect: [200, 200, 200, 200, 200, 403],
    },
    {
      name: 'get organization',
      method: 'GET',
      path: () => `/api/0/organizations/${O()}/`,
      scopes: ['org:read', 'project:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'rename organization',
      method: 'PUT',
      path: () => `/api/0/organizations/${O()}/`,
      body: () => ({ name: 'perm Org' }),
      scopes: ['org:write', 'org:read'],
      expect: [200, 403, 403, 404, 200, 403],
    },
    {
      name: 'delete organization',
      method: 'DELETE',
      path: async (a) =>
        `/api/0/organizations/${a === 'owner' || a === 'tokenWith' ? await fresh.organization() : O()}/`,
      scopes: ['org:admin', 'org:write'],
      expect: [204, 403, 403, 404, 204, 403],
    },
    // Members
    {
      name: 'list members',
      method: 'GET',
      path: () => `/api/0/organizations/${O()}/members/`,
      scopes: ['member:read', 'org:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'get member',
      method: 'GET',
      path: () => `/api/0/organizations/${O()}/members/${org.memberIds.member}/`,
      scopes: ['member:read', 'org:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'invite member',
      method: 'POST',
      path: () => `/api/0/organizations/${O()}/members/`,
      body: () => ({ email: `new-${unique()}@example.com`, orgRole: 'member', sendInvite: false }),
      scopes: ['member:write', 'member:read'],
      expect: [201, 403, 403, 404, 201, 403],
    },
    {
      name: 'change member role',
      method: 'PUT',
      path: () => `/api/0/organizations/${O()}/members/${org.memberIds.member}/`,
      body: () => ({ orgRole: 'member', teamRoles: [] }),
      scopes: ['member:write', 'member:read'],
      expect: [200, 403, 403, 404, 200, 403],
    },
    {
      name: 'remove member',
      method: 'DELETE',
      path: async () => `/api/0/organizations/${O()}/members/${await fresh.invite()}/`,
      scopes: ['member:admin', 'member:write'],
      expect: [204, 403, 403, 404, 204, 403],
    },
    // Teams
    {
      name: 'list teams',
      method: 'GET',
      path: () => `/api/0/organizations/${O()}/teams/`,
      scopes: ['team:read', 'project:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'create team',
      method: 'POST',
      path: () => `/api/0/organizations/${O()}/teams/`,
      body: () => ({ slug: `t-${unique()}` }),
      scopes: ['team:write', 'team:read'],
      expect: [201, 201, 403, 404, 201, 403],
    },
    {
      name: 'get team',
      method: 'GET',
      path: () => `/api/0/teams/${O()}/core/`,
      scopes: ['team:read', 'project:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'rename team',
      method: 'PUT',
      path: async () => `/api/0/teams/${O()}/${await fresh.team()}/`,
      body: () => ({ slug: `renamed-${unique()}` }),
      scopes: ['team:write', 'team:read'],
      expect: [200, 200, 403, 404, 200, 403],
    },
    {
      name: 'delete team',
      method: 'DELETE',
      path: async () => `/api/0/teams/${O()}/${await fresh.team()}/`,
      scopes: ['team:admin', 'team:write'],
      expect: [204, 204, 403, 404, 204, 403],
    },
    {
      name: 'list team members',
      method: 'GET',
      path: () => `/api/0/teams/${O()}/core/members/`,
      scopes: ['member:read', 'team:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'join a team (open membership)',
      method: 'POST',
      path: async () => `/api/0/organizations/${O()}/members/me/teams/${await fresh.team()}/`,
      scopes: ['team:write', 'team:read'],
      expect: [201, 201, 201, 404, 201, 403],
    },
    {
      name: "put another member in a team one isn't in",
      method: 'POST',
      path: async () =>
        `/api/0/organizations/${O()}/members/${org.memberIds.owner}/teams/${await fresh.team()}/`,
      scopes: ['team:write', 'team:read'],
      expect: [201, 403, 403, 404, 201, 403],
    },
    // Projects
    {
      name: 'list all projects',
      method: 'GET',
      path: () => '/api/0/projects/',
      scopes: ['project:read', 'org:read'],
      expect: [200, 200, 200, 200, 200, 403],
    },
    {
      name: 'list organization projects',
      method: 'GET',
      path: () => `/api/0/organizations/${O()}/projects/`,
      scopes: ['project:read', 'org:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'get project',
      method: 'GET',
      path: () => `/api/0/projects/${P()}/`,
      scopes: ['project:read', 'org:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'update project',
      method: 'PUT',
      path: () => `/api/0/projects/${P()}/`,
      body: () => ({ platform: 'node' }),
      scopes: ['project:write', 'project:read'],
      expect: [200, 200, 403, 404, 200, 403],
    },
    {
      name: 'delete project',
      method: 'DELETE',
      path: async () => `/api/0/projects/${O()}/${await fresh.project()}/`,
      scopes: ['project:admin', 'project:write'],
      expect: [204, 204, 403, 404, 204, 403],
    },
    {
      name: 'create project in a team',
      method: 'POST',
      path: () => `/api/0/teams/${O()}/core/projects/`,
      body: () => ({ name: `New ${unique()}` }),
      scopes: ['project:write', 'project:read'],
      expect: [201, 201, 403, 404, 201, 403],
    },
    {
      name: 'list team projects',
      method: 'GET',
      path: () => `/api/0/teams/${O()}/core/projects/`,
      scopes: ['project:read', 'team:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    // Project ↔ team
    {
      name: 'list project teams',
      method: 'GET',
      path: () => `/api/0/projects/${P()}/teams/`,
      scopes: ['team:read', 'project:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'add team to project',
      method: 'POST',
      path: async () => `/api/0/projects/${P()}/teams/${await fresh.team()}/`,
      scopes: ['project:admin', 'project:read'],
      expect: [201, 403, 403, 404, 201, 403],
    },
    {
      name: 'remove team from project',
      method: 'DELETE',
      path: async () => {
        const team = await fresh.team();
        await expectOk(org.owner.post(`/api/0/projects/${P()}/teams/${team}/`), 201);
        return `/api/0/projects/${P()}/teams/${team}/`;
      },
      scopes: ['project:admin', 'project:read'],
      expect: [200, 403, 403, 404, 200, 403],
    },
    // DSN keys
    {
      name: 'list keys',
      method: 'GET',
      path: () => `/api/0/projects/${P()}/keys/`,
      scopes: ['project:read', 'org:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'get key',
      method: 'GET',
      path: () => `/api/0/projects/${P()}/keys/${keyId}/`,
      scopes: ['project:read', 'org:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'create key',
      method: 'POST',
      path: () => `/api/0/projects/${P()}/keys/`,
      body: () => ({ name: 'ci' }),
      scopes: ['project:write', 'project:read'],
      expect: [201, 201, 403, 404, 201, 403],
    },
    {
      name: 'update key',
      method: 'PUT',
      path: async () => `/api/0/projects/${P()}/keys/${await fresh.key()}/`,
      body: () => ({ name: 'renamed' }),
      scopes: ['project:write', 'project:read'],
      expect: [200, 200, 403, 404, 200, 403],
    },
    {
      name: 'delete key',
      method: 'DELETE',
      path: async () => `/api/0/projects/${P()}/keys/${await fresh.key()}/`,
      scopes: ['project:admin', 'project:write'],
      expect: [204, 204, 403, 404, 204, 403],
    },
    // Environments
    {
      name: 'list organization environments',
      method: 'GET',
      path: () => `/api/0/organizations/${O()}/environments/`,
      scopes: ['org:read', 'project:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'list project environments',
      method: 'GET',
      path: () => `/api/0/projects/${P()}/environments/`,
      scopes: ['project:read', 'org:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    {
      name: 'hide an environment',
      method: 'PUT',
      path: () => `/api/0/projects/${P()}/environments/production/`,
      body: () => ({ name: 'production', isHidden: false }),
      scopes: ['project:write', 'project:read'],
      expect: [200, 200, 403, 404, 200, 403],
    },
    // Issues (the triage API shares the guard and the tenant checks)
    {
      name: 'list project issues',
      method: 'GET',
      path: () => `/api/0/projects/${P()}/issues/`,
      scopes: ['event:read', 'project:read'],
      expect: [200, 200, 200, 404, 200, 403],
    },
    // Session-only and scope-free routes
    {
      name: 'list API tokens (session only)',
      method: 'GET',
      path: () => '/api/0/api-tokens/',
      scopes: ['org:admin', 'org:read'],
      expect: [200, 200, 200, 200, 401, 401],
    },
    {
      name: 'who am I',
      method: 'GET',
      path: () => '/api/0/users/me/',
      scopes: ['org:read', 'project:read'],
      expect: [200, 200, 200, 200, 200, 200],
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const statuses: number[] = [];
    for (const actor of ACTORS) {
      const who =
        actor === 'tokenWith'
          ? { token: await token(c.scopes[0]) }
          : actor === 'tokenWithout'
            ? { token: await token(c.scopes[1]) }
            : org[actor];
      const res = await call(stack.baseUrl, who, c.method, await c.path(actor), c.body?.(actor));
      statuses.push(res.status);
      if (res.status >= 400) expect(typeof res.body.detail).toBe('string');
      if (res.status === 403 && actor.startsWith('token'))
        expect(res.body).toEqual({ detail: 'Permission denied' });
      if (res.status === 404) expect(res.body).toEqual({ detail: 'Not Found' });
    }
    expect({ name: c.name, statuses }).toEqual({ name: c.name, statuses: c.expect });
  });

  it("never shows another organization's project, issue, key or member, whatever id is guessed", async () => {
    const outsider = org.outsider;
    const other = org.outsiderOrg;
    const issues = await expectOk(org.owner.get(`/api/0/projects/${P()}/issues/`));
    const issueId = issues[0].id as string;
    const paths = [
      `/api/0/projects/${P()}/`,
      `/api/0/projects/${P()}/keys/${keyId}/`,
      `/api/0/issues/${issueId}/events/latest/`,
      `/api/0/organizations/${O()}/members/${org.memberIds.admin}/`,
      `/api/0/teams/${O()}/core/`,
      // Own organization in the path, foreign ids behind it.
      `/api/0/organizations/${other.slug}/members/${org.memberIds.admin}/`,
      `/api/0/projects/${other.slug}/${other.project}/keys/${keyId}/`,
      `/api/0/teams/${other.slug}/core/members/`,
    ];
    const seen: Array<[string, number]> = [];
    for (const path of paths) seen.push([path, (await outsider.get(path)).status]);
    expect(seen).toEqual(paths.map((p, i) => [p, i === paths.length - 1 ? 200 : 404]));
    const outsiderToken = await createToken(outsider, [
      'org:admin',
      'member:admin',
      'project:admin',
      'event:admin',
    ]);
    for (const [method, path, body] of [
      ['PUT', `/api/0/projects/${P()}/`, { name: 'Hijacked' }],
      ['DELETE', `/api/0/projects/${P()}/keys/${keyId}/`, undefined],
      ['PUT', `/api/0/organizations/${O()}/members/${org.memberIds.member}/`, { orgRole: 'owner' }],
      ['PUT', `/api/0/organizations/${other.slug}/members/${org.memberIds.member}/`, { orgRole: 'owner' }],
      ['DELETE', `/api/0/organizations/${O()}/`, undefined],
      [
        'PUT',
        `/api/0/users/${(await expectOk(org.member.get('/api/0/users/me/'))).id}/`,
        { name: 'Hijacked' },
      ],
      ['PUT', `/api/0/users/me/notifications/alerts/`, { [org.projectId]: 0 }],
    ] as const) {
      const res = await http<any>(stack.baseUrl, path, {
        method,
        token: outsiderToken,
        ...(body ? { json: body } : {}),
      });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
    }
    expect((await expectOk(org.owner.get(`/api/0/projects/${P()}/`))).name).toBe('API');
  });

  it('keeps the organization owned: the last owner cannot be demoted or removed, ownership moves with set_owner', async () => {
    const base = `/api/0/organizations/${O()}/members`;
    const demote = await org.owner.put(`${base}/${org.memberIds.owner}/`, { orgRole: 'manager' });
    expect(demote.status).toBe(422);
    expect(demote.body.detail[0]).toMatchObject({ loc: ['body', 'payload', 'orgRole'] });
    expect((await org.owner.delete(`${base}/${org.memberIds.owner}/`)).status).toBe(400);
    // A manager cannot hand out the owner role, nor take it.
    expect((await org.admin.post(`${base}/${org.memberIds.admin}/set_owner/`)).status).toBe(403);
    const manager = await org.owner.put(`${base}/${org.memberIds.admin}/`, { orgRole: 'manager' });
    expect(manager.body.role).toBe('manager');
    expect((await org.admin.put(`${base}/${org.memberIds.admin}/`, { orgRole: 'owner' })).status).toBe(403);
    expect((await org.admin.put(`${base}/${org.memberIds.owner}/`, { orgRole: 'member' })).status).toBe(403);

    const moved = await org.owner.post(`${base}/${org.memberIds.admin}/set_owner/`);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      id: org.memberIds.admin,
      role: 'owner',
      roleName: 'Owner',
      isOwner: true,
    });
    const list = await expectOk(org.owner.get(`${base}/`));
    expect(list.filter((m: { isOwner: boolean }) => m.isOwner).map((m: { id: string }) => m.id)).toEqual([
      org.memberIds.admin,
    ]);
    // The former primary owner may step down now that another owner exists; the new one may not.
    expect((await org.owner.put(`${base}/${org.memberIds.owner}/`, { orgRole: 'manager' })).status).toBe(200);
    expect((await org.admin.put(`${base}/${org.memberIds.admin}/`, { orgRole: 'manager' })).status).toBe(422);
    expect((await org.admin.delete(`${base}/${org.memberIds.admin}/`)).status).toBe(400);
    // Members may leave on their own.
    const leaver = await expectOk(org.member.get(`${base}/me/`));
    expect((await org.member.delete(`${base}/${leaver.id}/`)).status).toBe(204);
    expect((await org.member.get(`/api/0/organizations/${O()}/`)).status).toBe(404);
  });
});
