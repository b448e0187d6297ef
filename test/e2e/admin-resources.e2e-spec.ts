import { AccountsService } from '@app/organizations';
import { Browser, signedUpBrowser } from '../support/browser';
import { createToken, PASSWORD } from '../support/admin-fixtures';
import { http } from '../support/http';
import { linkIn, SmtpSink } from '../support/smtp-sink';
import { startTestStack, TestStack } from '../support/test-app';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Parses `Link` into {rel: {url, results, cursor}}. */
function links(header: string | null): Record<string, { url: string; results: string; cursor?: string }> {
  const out: Record<string, { url: string; results: string; cursor?: string }> = {};
  for (const part of (header ?? '').split(/,\s*(?=<)/)) {
    const url = /<([^>]+)>/.exec(part)?.[1];
    const rel = /rel="([^"]+)"/.exec(part)?.[1];
    if (url && rel)
      out[rel] = {
        url,
        results: /results="([^"]+)"/.exec(part)?.[1] ?? '',
        cursor: /cursor="([^"]+)"/.exec(part)?.[1],
      };
  }
  return out;
}

describe('admin REST resources: shapes, conventions and flows GlitchTip clients rely on', () => {
  let stack: TestStack;
  let smtp: SmtpSink;
  let owner: Browser;
  let org: string;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    stack = await startTestStack({
      env: {
        EMAIL_URL: smtp.url,
        DEFAULT_FROM_EMAIL: 'GlitchTip <errors@example.com>',
        // The test client stands in for a reverse proxy (Link URLs behind a proxy).
        TRUSTED_PROXIES: '127.0.0.1',
      },
    });
    stack.config.domain = 'https://errors.example.com/glitchtip';
    owner = await signedUpBrowser(stack.baseUrl, 'owner@example.com');
  });
  afterAll(async () => {
    await stack.close();
    await smtp.close();
  });

  it('creates the first organization (creation otherwise closed), a team and a project with a DSN key', async () => {
    const created = await owner.post('/api/0/organizations/', { name: 'Acme Corp' });
    expect(created.status).toBe(201);
    org = created.body.slug;
    expect(created.body).toMatchObject({
      name: 'Acme Corp',
      slug: 'acme-corp',
      status: { id: 'active', name: 'active' },
      avatar: { avatarType: '', avatarUuid: null },
      isEarlyAdopter: false,
      require2fa: false,
      isAcceptingEvents: true,
      eventThrottleRate: 0,
      projects: [],
      teams: [],
      openMembership: true,
    });
    expect(created.body.id).toMatch(/^\d+$/);
    expect(created.body.dateCreated).toMatch(ISO);
    expect(created.body.access).toEqual(
      expect.arrayContaining(['org:admin', 'project:write', 'member:admin']),
    );

    // ENABLE_ORGANIZATION_CREATION is false: a second organization is refused to non-superusers.
    const second = await signedUpBrowser(stack.baseUrl, 'second@example.com');
    const refused = await second.post('/api/0/organizations/', { name: 'Nope' });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ detail: 'Organization creation is not open' });

    // Superusers may always create organizations.
    await stack.api
      .get(AccountsService)
      .upsertUser({ email: 'root@example.com', password: PASSWORD, isSuperuser: true });
    const root = new Browser(stack.baseUrl);
    expect((await root.login('root@example.com', PASSWORD)).status).toBe(200);
    expect((await root.post('/api/0/organizations/', { name: 'Root Org' })).status).toBe(201);

    const team = await owner.post(`/api/0/organizations/${org}/teams/`, { slug: 'backend-team' });
    expect(team.status).toBe(201);
    expect(team.body).toMatchObject({ slug: 'backend-team', isMember: true, memberCount: 1, projects: [] });
    expect(team.body.id).toMatch(/^\d+$/);
    expect((await owner.post(`/api/0/organizations/${org}/teams/`, { slug: 'backend-team' })).status).toBe(
      409,
    );

    const project = await owner.post(`/api/0/teams/${org}/backend-team/projects/`, {
      name: 'Backend API',
      platform: 'python',
    });
    expect(project.status).toBe(201);
    expect(project.body).toMatchObject({
      name: 'Backend API',
      slug: 'backend-api',
      platform: 'python',
      isMember: true,
      hasAccess: true,
      scrubIPAddresses: true,
      eventThrottleRate: 0,
      firstEvent: null,
      features: [],
    });
    const keys = await owner.get(`/api/0/projects/${org}/backend-api/keys/`);
    expect(keys.status).toBe(200);
    expect(keys.body).toHaveLength(1);
    const [key] = keys.body;
    const hex = key.public.replace(/-/g, '');
    expect(key).toMatchObject({
      id: key.public,
      name: '',
      label: '',
      rateLimit: null,
      projectID: Number(project.body.id),
      dsn: {
        public: `https://${hex}@errors.example.com/glitchtip/${project.body.id}`,
        secret: `https://${hex}@errors.example.com/glitchtip/${project.body.id}`,
        security: `https://errors.example.com/glitchtip/api/${project.body.id}/security/?glitchtip_key=${hex}`,
      },
    });
    expect(key.public).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const detail = await owner.get(`/api/0/organizations/${org}/`);
    expect(detail.body.projects).toEqual([
      expect.objectContaining({ slug: 'backend-api', teams: [{ id: team.body.id, slug: 'backend-team' }] }),
    ]);
    expect(detail.body.teams).toEqual([
      expect.objectContaining({ slug: 'backend-team', isMember: true, memberCount: 1 }),
    ]);
    const projectDetail = await owner.get(`/api/0/projects/${org}/backend-api/`);
    expect(projectDetail.body.organization).toMatchObject({ slug: org, name: 'Acme Corp' });
    expect(projectDetail.body).not.toHaveProperty('teams');
  });

  it('manages DSN keys with rate limits, and projects with slugs and teams', async () => {
    const base = `/api/0/projects/${org}/backend-api`;
    const created = await owner.post(`${base}/keys/`, {
      name: 'Frontend',
      rateLimit: { window: 60, count: 100 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Frontend',
      label: 'Frontend',
      rateLimit: { window: 60, count: 100 },
    });
    const id = created.body.id;
    expect((await owner.get(`${base}/keys/${id}/`)).body.name).toBe('Frontend');
    expect((await owner.get(`${base}/keys/${id.replace(/-/g, '')}/`)).status).toBe(200);
    const cleared = await owner.put(`${base}/keys/${id}/`, { rateLimit: null, name: 'Web' });
    expect(cleared.body).toMatchObject({ name: 'Web', rateLimit: null });
    const send = () =>
      fetch(`${stack.baseUrl}/api/${created.body.projectID}/store/?sentry_key=${id.replace(/-/g, '')}`, {
        method: 'POST',
        body: JSON.stringify({ message: 'through the second key' }),
      });
    expect((await send()).status).toBe(200);
    expect((await owner.delete(`${base}/keys/${id}/`)).status).toBe(204);
    // Every api process forgets the deleted key at once (the ingest key cache is invalidated).
    expect((await send()).status).toBe(403);
    expect((await owner.get(`${base}/keys/${id}/`)).status).toBe(404);
    expect((await owner.get(`${base}/keys/not-a-uuid/`)).status).toBe(404);

    const renamed = await owner.put(`${base}/`, { name: 'Backend', slug: 'backend', eventThrottleRate: 10 });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'Backend',
      slug: 'backend',
      eventThrottleRate: 10,
      platform: 'python',
    });
    // A throttled project refuses that share of its events: back to 0 for the events sent below.
    expect(
      (await owner.put(`/api/0/projects/${org}/backend/`, { eventThrottleRate: 0 })).body.eventThrottleRate,
    ).toBe(0);
    const second = await owner.post(`/api/0/teams/${org}/backend-team/projects/`, { name: 'Backend' });
    expect(second.body.slug).toBe('backend-1');
    expect((await owner.put(`/api/0/projects/${org}/backend-1/`, { slug: 'backend' })).status).toBe(409);

    await owner.post(`/api/0/organizations/${org}/teams/`, { slug: 'ops' });
    const linked = await owner.post(`/api/0/projects/${org}/backend/teams/ops/`);
    expect(linked.status).toBe(201);
    expect(linked.body.teams.map((t: { slug: string }) => t.slug)).toEqual(['backend-team', 'ops']);
    const teams = await owner.get(`/api/0/projects/${org}/backend/teams/`);
    expect(teams.body.map((t: { slug: string }) => t.slug)).toEqual(['backend-team', 'ops']);
    const filtered = await owner.get(`/api/0/organizations/${org}/projects/?query=team:ops`);
    expect(filtered.body.map((p: { slug: string }) => p.slug)).toEqual(['backend']);
    const excluded = await owner.get(`/api/0/organizations/${org}/projects/?query=!team:ops`);
    expect(excluded.body.map((p: { slug: string }) => p.slug)).toEqual(['backend-1']);
    const unlinked = await owner.delete(`/api/0/projects/${org}/backend/teams/ops/`);
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.teams.map((t: { slug: string }) => t.slug)).toEqual(['backend-team']);

    const renamedTeam = await owner.put(`/api/0/teams/${org}/ops/`, { slug: 'operations' });
    expect(renamedTeam.body.slug).toBe('operations');
    expect((await owner.get(`/api/0/teams/${org}/ops/`)).status).toBe(404);
    const left = await owner.delete(`/api/0/organizations/${org}/members/me/teams/operations/`);
    expect(left.status).toBe(200);
    expect(left.body).toMatchObject({ slug: 'operations', isMember: false, memberCount: 0 });
    const joined = await owner.post(`/api/0/organizations/${org}/members/me/teams/operations/`);
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ isMember: true, memberCount: 1 });
    expect((await owner.delete(`/api/0/teams/${org}/operations/`)).status).toBe(204);
    expect((await owner.delete(`/api/0/projects/${org}/backend-1/`)).status).toBe(204);
    expect((await owner.get(`/api/0/projects/${org}/backend-1/`)).status).toBe(404);
  });

  it('sets Link (absolute, both rels, results, cursor), X-Hits and X-Max-Hits on every list, behind a proxy too', async () => {
    for (let i = 0; i < 4; i++) await owner.post(`/api/0/organizations/${org}/teams/`, { slug: `page-${i}` });
    const first = await owner.get(`/api/0/organizations/${org}/teams/?limit=2`, {
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'errors.example.com' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(2);
    expect(first.headers.get('x-hits')).toBe('5');
    expect(first.headers.get('x-max-hits')).toBe('1000');
    const firstLinks = links(first.headers.get('link'));
    expect(firstLinks.previous!.results).toBe('false');
    expect(firstLinks.next!.results).toBe('true');
    expect(firstLinks.next!.url.startsWith('https://errors.example.com/api/0/organizations/')).toBe(true);
    expect(new URL(firstLinks.next!.url).searchParams.get('cursor')).toBe(firstLinks.next!.cursor);

    const cursor = firstLinks.next!.cursor!;
    const second = await owner.get(
      `/api/0/organizations/${org}/teams/?limit=2&cursor=${encodeURIComponent(cursor)}`,
    );
    const third = await owner.get(
      `/api/0/organizations/${org}/teams/?limit=2&cursor=${encodeURIComponent(links(second.headers.get('link')).next!.cursor!)}`,
    );
    const slugs = [...first.body, ...second.body, ...third.body].map((t: { slug: string }) => t.slug);
    expect(slugs).toEqual(['backend-team', 'page-0', 'page-1', 'page-2', 'page-3']);
    expect(links(second.headers.get('link')).previous!.results).toBe('true');
    expect(links(third.headers.get('link')).next!.results).toBe('false');

    for (const path of [
      '/api/0/organizations/',
      '/api/0/projects/',
      `/api/0/organizations/${org}/projects/`,
      `/api/0/organizations/${org}/members/`,
      `/api/0/organizations/${org}/environments/`,
      `/api/0/projects/${org}/backend/keys/`,
      `/api/0/projects/${org}/backend/teams/`,
      `/api/0/projects/${org}/backend/environments/`,
      `/api/0/teams/${org}/backend-team/members/`,
      `/api/0/teams/${org}/backend-team/projects/`,
      '/api/0/api-tokens/',
      '/api/0/users/',
    ]) {
      const res = await owner.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect({ path, hits: res.headers.get('x-hits') }).toEqual({ path, hits: String(res.body.length) });
      expect(res.headers.get('x-max-hits')).toBe('1000');
      expect(Object.keys(links(res.headers.get('link')))).toEqual(['previous', 'next']);
    }
  });

  it('answers bad bodies 422 with field paths, in django-ninja’s shape', async () => {
    const missing = await owner.post('/api/0/organizations/', {});
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({
      detail: [{ type: 'missing', loc: ['body', 'payload', 'name'], msg: 'Field required' }],
    });
    const invite = await owner.post(`/api/0/organizations/${org}/members/`, {
      email: 'not-an-email',
      orgRole: 'boss',
      teamRoles: [{ role: '' }],
    });
    expect(invite.status).toBe(422);
    expect(invite.body.detail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'value_error', loc: ['body', 'payload', 'email'] }),
        {
          type: 'literal_error',
          loc: ['body', 'payload', 'orgRole'],
          msg: "Input should be 'member', 'admin', 'manager' or 'owner'",
        },
        { type: 'missing', loc: ['body', 'payload', 'teamRoles', 0, 'teamSlug'], msg: 'Field required' },
      ]),
    );
    const slug = await owner.post(`/api/0/organizations/${org}/teams/`, { slug: 'has spaces' });
    expect(slug.status).toBe(422);
    expect(slug.body.detail[0]).toMatchObject({
      type: 'string_pattern_mismatch',
      loc: ['body', 'payload', 'slug'],
    });
    const throttle = await owner.put(`/api/0/projects/${org}/backend/`, { eventThrottleRate: 101 });
    expect(throttle.body.detail[0]).toMatchObject({
      type: 'less_than_equal',
      loc: ['body', 'payload', 'eventThrottleRate'],
    });
    const array = await owner.request('POST', `/api/0/organizations/${org}/teams/`, { json: [] });
    expect(array.status).toBe(422);
    const scopes = await owner.post('/api/0/api-tokens/', {
      label: 'x',
      scopes: ['org:read', 'org:everything'],
    });
    expect(scopes.status).toBe(422);
    expect(scopes.body.detail[0]).toMatchObject({ loc: ['body', 'payload', 'scopes'], msg: 'Invalid scope' });
    const visibility = await owner.get(`/api/0/organizations/${org}/environments/?visibility=some`);
    expect(visibility.status).toBe(422);
    expect(visibility.body.detail[0].loc).toEqual(['query', 'visibility']);
    const malformed = await owner.request('POST', '/api/0/organizations/', {
      headers: { 'Content-Type': 'application/json' },
      json: undefined,
    });
    expect(malformed.status).toBe(422);
  });

  it('invites by e-mail with a signed link that works once', async () => {
    const invited = await owner.post(`/api/0/organizations/${org}/members/`, {
      email: 'newcomer@example.com',
      orgRole: 'admin',
      teamRoles: [{ teamSlug: 'backend-team', role: '' }],
      sendInvite: true,
      reinvite: true,
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      email: 'newcomer@example.com',
      role: 'admin',
      roleName: 'Admin',
      pending: true,
      isOwner: false,
      user: null,
    });
    const mail = await smtp.waitFor((m) => m.to.includes('newcomer@example.com'));
    expect(mail.headers.subject).toBe('You are invited to GlitchTip');
    expect(mail.from).toBe('errors@example.com');
    const link = linkIn(mail);
    expect(link).toBe(invited.body.inviteLink);
    expect(link.startsWith('https://errors.example.com/glitchtip/accept/')).toBe(true);
    const [, memberId, token] = /\/accept\/(\d+)\/([^/]+)\/$/.exec(link)!;
    expect(
      (
        await owner.post(`/api/0/organizations/${org}/members/`, {
          email: 'newcomer@example.com',
          orgRole: 'member',
          reinvite: false,
        })
      ).status,
    ).toBe(409);

    const info = await http<any>(stack.baseUrl, `/api/0/accept/${memberId}/${token}/`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      acceptInvite: false,
      orgUser: { id: memberId, pending: true, organization: { slug: org, name: 'Acme Corp' } },
    });
    // Another last character, whatever the signature ends with.
    const tampered = `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`;
    expect((await http(stack.baseUrl, `/api/0/accept/${memberId}/${tampered}/`)).status).toBe(403);
    const anonymousAccept = await http(stack.baseUrl, `/api/0/accept/${memberId}/${token}/`, {
      method: 'POST',
      json: { acceptInvite: true },
    });
    expect(anonymousAccept.status).toBe(401);

    const newcomer = await signedUpBrowser(stack.baseUrl, 'newcomer@example.com');
    const accepted = await newcomer.post(`/api/0/accept/${memberId}/${token}/`, { acceptInvite: true });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      acceptInvite: true,
      orgUser: { pending: false, role: 'admin', user: { email: 'newcomer@example.com' } },
    });
    expect((await newcomer.post(`/api/0/accept/${memberId}/${token}/`, { acceptInvite: true })).status).toBe(
      403,
    );
    const memberDetail = await newcomer.get(`/api/0/organizations/${org}/members/${memberId}/`);
    expect(memberDetail.body.teams).toEqual(['backend-team']);
    expect((await newcomer.get(`/api/0/organizations/${org}/`)).body.access).toContain('project:write');
    expect(
      (
        await owner.post(`/api/0/organizations/${org}/members/`, {
          email: 'newcomer@example.com',
          orgRole: 'member',
        })
      ).status,
    ).toBe(409);
  });

  it('serves the user profile, options, e-mail addresses and notification settings of `me`', async () => {
    const me = await owner.get('/api/0/users/me/');
    expect(me.body).toMatchObject({
      email: 'owner@example.com',
      username: 'owner@example.com',
      hasPasswordAuth: true,
      isSuperuser: false,
      isActive: true,
      identities: [],
      options: {},
      chatwootIdentifierHash: null,
    });
    expect(me.body.lastLogin).toMatch(ISO);
    expect((await owner.get(`/api/0/users/${me.body.id}/`)).body.id).toBe(me.body.id);
    const updated = await owner.put('/api/0/users/me/', {
      name: 'Olivia Owner',
      options: {
        timezone: 'Europe/Paris',
        stacktraceOrder: 1,
        clock24Hours: true,
        preferredTheme: 'dark',
        language: null,
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: 'Olivia Owner',
      options: { timezone: 'Europe/Paris', stacktraceOrder: 1, clock24Hours: true, preferredTheme: 'dark' },
    });
    expect((await owner.put(`/api/0/users/${Number(me.body.id) + 1000}/`, { name: 'x' })).status).toBe(404);

    expect((await owner.get('/api/0/users/me/emails/')).body).toEqual([
      { email: 'owner@example.com', isPrimary: true, isVerified: false },
    ]);
    const added = await owner.post('/api/0/users/me/emails/', { email: 'olivia@example.org' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ email: 'olivia@example.org', isPrimary: false, isVerified: false });
    expect((await owner.post('/api/0/users/me/emails/', { email: 'olivia@example.org' })).status).toBe(400);
    expect((await owner.put('/api/0/users/me/emails/', { email: 'olivia@example.org' })).status).toBe(404);
    expect(
      (await owner.post('/api/0/users/me/emails/confirm/', { email: 'olivia@example.org' })).status,
    ).toBe(204);
    const confirmation = await smtp.waitFor((m) => m.to.includes('olivia@example.org'));
    const key = linkIn(confirmation).split('/').filter(Boolean).pop()!;
    const check = await owner.get('/_allauth/browser/v1/auth/email/verify', {
      headers: { 'X-Email-Verification-Key': key },
    });
    expect(check.body).toMatchObject({ status: 200, data: { email: 'olivia@example.org' } });
    const verified = await owner.post('/_allauth/browser/v1/auth/email/verify', { key });
    expect(verified.status).toBe(200);
    expect((await owner.post('/_allauth/browser/v1/auth/email/verify', { key })).status).toBe(400);
    const primary = await owner.put('/api/0/users/me/emails/', { email: 'olivia@example.org' });
    expect(primary.body).toEqual({ email: 'olivia@example.org', isPrimary: true, isVerified: true });
    expect((await owner.get('/api/0/users/me/')).body.email).toBe('olivia@example.org');
    expect((await owner.delete('/api/0/users/me/emails/', { email: 'olivia@example.org' })).status).toBe(404);
    expect((await owner.delete('/api/0/users/me/emails/', { email: 'owner@example.com' })).status).toBe(204);
    const relogin = new Browser(stack.baseUrl);
    expect((await relogin.login('olivia@example.org', PASSWORD)).status).toBe(200);

    expect((await owner.get('/api/0/users/me/notifications/')).body).toEqual({ subscribeByDefault: true });
    expect((await owner.put('/api/0/users/me/notifications/', { subscribeByDefault: false })).body).toEqual({
      subscribeByDefault: false,
    });
    const project = await owner.get(`/api/0/projects/${org}/backend/`);
    expect((await owner.get('/api/0/users/me/notifications/alerts/')).body).toEqual({});
    expect((await owner.put('/api/0/users/me/notifications/alerts/', { [project.body.id]: 0 })).status).toBe(
      204,
    );
    expect((await owner.get('/api/0/users/me/notifications/alerts/')).body).toEqual({ [project.body.id]: 0 });
    expect((await owner.put('/api/0/users/me/notifications/alerts/', { [project.body.id]: -1 })).status).toBe(
      204,
    );
    expect((await owner.get('/api/0/users/me/notifications/alerts/')).body).toEqual({});
    expect((await owner.put('/api/0/users/me/notifications/alerts/', { [project.body.id]: 5 })).status).toBe(
      422,
    );
    expect((await owner.put('/api/0/users/me/notifications/alerts/', { 1: 1, 2: 1 })).status).toBe(422);
  });

  it('manages API tokens from the session only, and authenticates Bearer calls with them', async () => {
    const created = await owner.post('/api/0/api-tokens/', {
      label: 'Terraform',
      scopes: ['org:read', 'project:read'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ label: 'Terraform', scopes: ['project:read', 'org:read'] });
    expect(typeof created.body.id).toBe('number');
    const token: string = created.body.token;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const bits = await owner.post('/api/0/api-tokens/', { label: 'bits', scopes: 3 });
    expect(bits.body.scopes).toEqual(['project:read', 'project:write']);

    const list = await owner.get('/api/0/api-tokens/');
    const listed = list.body.find((t: { id: number }) => t.id === created.body.id);
    expect(listed.token).not.toBe(token);
    expect(listed.token.startsWith(token.slice(0, 6))).toBe(true);

    // Bearer on the token routes is 401, as GlitchTip answers, even with every scope.
    expect((await http(stack.baseUrl, '/api/0/api-tokens/', { token })).status).toBe(401);
    const root = await http<any>(stack.baseUrl, '/api/0/', { token });
    expect(root.body).toMatchObject({
      version: '0',
      user: { email: 'olivia@example.org' },
      auth: { id: created.body.id, label: 'Terraform', scopes: ['project:read', 'org:read'], token },
    });
    expect((await owner.get('/api/0/')).body).toMatchObject({
      user: { email: 'olivia@example.org' },
      auth: null,
    });
    expect((await http<any>(stack.baseUrl, '/api/0/')).body).toEqual({
      version: '0',
      user: null,
      auth: null,
    });
    expect((await http(stack.baseUrl, `/api/0/organizations/${org}/`, { token })).status).toBe(200);
    // Bearer writes need no CSRF token.
    const writer = await createToken(owner, ['org:write']);
    expect(
      (
        await http(stack.baseUrl, `/api/0/organizations/${org}/`, {
          method: 'PUT',
          token: writer,
          json: { name: 'Acme Corp' },
        })
      ).status,
    ).toBe(200);

    expect((await owner.delete(`/api/0/api-tokens/${created.body.id}/`)).status).toBe(204);
    expect((await owner.delete(`/api/0/api-tokens/${created.body.id}/`)).status).toBe(404);
    expect((await http(stack.baseUrl, '/api/0/', { token })).body).toMatchObject({ user: null });
    expect((await http(stack.baseUrl, `/api/0/organizations/${org}/`, { token })).status).toBe(401);
  });

  it('lists environments the events brought and hides them per project', async () => {
    const project = await owner.get(`/api/0/projects/${org}/backend/`);
    const [key] = (await owner.get(`/api/0/projects/${org}/backend/keys/`)).body;
    for (const environment of ['production', 'staging']) {
      const res = await fetch(
        `${stack.baseUrl}/api/${project.body.id}/store/?sentry_key=${key.public.replace(/-/g, '')}`,
        {
          method: 'POST',
          body: JSON.stringify({ message: `hello from ${environment}`, environment }),
        },
      );
      expect(res.status).toBe(200);
    }
    await stack.drain();
    // The batch writer commits on its own schedule: wait until both events' environments are there.
    for (let tries = 0; tries < 100; tries++) {
      const res = await owner.get(`/api/0/organizations/${org}/environments/?visibility=all`);
      if (res.body.length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const names = (r: { body: Array<{ name: string }> }) => r.body.map((e) => e.name);
    expect(names(await owner.get(`/api/0/organizations/${org}/environments/`))).toEqual([
      'production',
      'staging',
    ]);
    const hidden = await owner.put(`/api/0/projects/${org}/backend/environments/staging/`, {
      name: 'staging',
      isHidden: true,
    });
    expect(hidden.status).toBe(200);
    expect(hidden.body).toMatchObject({ name: 'staging', isHidden: true });
    expect(typeof hidden.body.id).toBe('number');
    expect(names(await owner.get(`/api/0/projects/${org}/backend/environments/`))).toEqual(['production']);
    expect(names(await owner.get(`/api/0/projects/${org}/backend/environments/?visibility=hidden`))).toEqual([
      'staging',
    ]);
    expect(names(await owner.get(`/api/0/projects/${org}/backend/environments/?visibility=all`))).toEqual([
      'production',
      'staging',
    ]);
    expect(names(await owner.get(`/api/0/organizations/${org}/environments/`))).toEqual(['production']);
    expect(
      (
        await owner.put(`/api/0/projects/${org}/backend/environments/nowhere/`, {
          name: 'nowhere',
          isHidden: true,
        })
      ).status,
    ).toBe(404);
  });

  it('deletes an account unless it owns an organization', async () => {
    const leaving = await signedUpBrowser(stack.baseUrl, 'leaving@example.com');
    expect((await leaving.delete('/api/0/users/me/')).status).toBe(204);
    expect((await leaving.get('/api/0/users/me/')).status).toBe(401);
    const stay = await owner.delete('/api/0/users/me/');
    expect(stay.status).toBe(400);
    expect(stay.body.detail).toMatch(/organization owner/);
  });
});
