import { startTestStack, TestStack } from '../support/test-app';
import { expectOk, Organization, organizationWithRoles } from '../support/admin-fixtures';
import { errorEvent, IssueJson, storeEvent } from '../support/triage';

type AssignedIssue = IssueJson & { assignedTo: Record<string, string> | null };

/** Assigning issues to members and teams, from the web UI (session) and API clients, and searching by assignee. */
describe('triage: assignment', () => {
  let stack: TestStack;
  let org: Organization;
  let alpha: AssignedIssue;
  let beta: AssignedIssue;
  let memberUserId: string;

  beforeAll(async () => {
    stack = await startTestStack({ env: { ENABLE_ORGANIZATION_CREATION: 'true' } });
    org = await organizationWithRoles(stack.baseUrl, 'assign');
    await storeEvent(stack, org.dsn, errorEvent('AssignAlpha', 'first'));
    await storeEvent(stack, org.dsn, errorEvent('AssignBeta', 'second'));
    await stack.drain();
    const issues = await expectOk<AssignedIssue[]>(org.owner.get(`/api/0/organizations/${org.slug}/issues/`));
    alpha = issues.find((i) => i.title.startsWith('AssignAlpha'))!;
    beta = issues.find((i) => i.title.startsWith('AssignBeta'))!;
    expect(alpha.assignedTo).toBeNull();
    memberUserId = (await expectOk<{ id: string }>(org.member.get('/api/0/users/me/'))).id;
  });
  afterAll(() => stack.close());

  const search = async (query: string) =>
    (
      await expectOk<AssignedIssue[]>(
        org.owner.get(`/api/0/organizations/${org.slug}/issues/?query=${encodeURIComponent(query)}`),
      )
    )
      .map((i) => i.title.split(':')[0])
      .sort();

  it('assigns an issue to a member by user id and by email, and shows who', async () => {
    const byId = await org.owner.put<AssignedIssue>(`/api/0/issues/${alpha.id}/`, {
      assignedTo: `user:${memberUserId}`,
    });
    expect(byId.status).toBe(200);
    expect(byId.body.assignedTo).toEqual({
      type: 'user',
      id: memberUserId,
      name: 'assign-member@example.com',
      email: 'assign-member@example.com',
    });
    const byEmail = await org.owner.put<AssignedIssue>(
      `/api/0/organizations/${org.slug}/issues/${beta.id}/`,
      {
        assignedTo: 'ASSIGN-ADMIN@example.com',
      },
    );
    expect(byEmail.body.assignedTo).toMatchObject({ type: 'user', email: 'assign-admin@example.com' });
    const listed = await expectOk<AssignedIssue[]>(org.owner.get(`/api/0/organizations/${org.slug}/issues/`));
    expect(listed.find((i) => i.id === alpha.id)!.assignedTo).toMatchObject({ id: memberUserId });
  });

  it('searches by assignee: assigned:me, an email, is:assigned / is:unassigned and negation', async () => {
    const mine = await expectOk<AssignedIssue[]>(
      org.member.get(`/api/0/organizations/${org.slug}/issues/?query=${encodeURIComponent('assigned:me')}`),
    );
    expect(mine.map((i) => i.id)).toEqual([alpha.id]);
    expect(await search('assigned:assign-admin@example.com')).toEqual(['AssignBeta']);
    expect(await search('is:assigned')).toEqual(['AssignAlpha', 'AssignBeta']);
    expect(await search('is:unassigned')).toEqual([]);
    expect(await search('!assigned:assign-admin@example.com')).toEqual(['AssignAlpha']);
    expect(await search('assigned:me')).toEqual([]); // the owner has none
  });

  it('assigns to a team in bulk and unassigns', async () => {
    const bulk = await org.owner.put(
      `/api/0/organizations/${org.slug}/issues/?id=${alpha.id}&id=${beta.id}`,
      { assignedTo: `team:${org.team}` },
    );
    expect(bulk.status).toBe(200);
    expect(bulk.body).toEqual({ assignedTo: `team:${org.team}` });
    const detail = await expectOk<AssignedIssue>(org.owner.get(`/api/0/issues/${beta.id}/`));
    expect(detail.assignedTo).toMatchObject({ type: 'team', name: org.team, slug: org.team });
    expect(await search(`assigned:#${org.team}`)).toEqual(['AssignAlpha', 'AssignBeta']);

    const cleared = await org.owner.put<AssignedIssue>(`/api/0/issues/${beta.id}/`, { assignedTo: null });
    expect(cleared.body.assignedTo).toBeNull();
    expect(await search('is:unassigned')).toEqual(['AssignBeta']);
  });

  it('refuses an assignee outside the organization and changes nothing then', async () => {
    const outsiderId = (await expectOk<{ id: string }>(org.outsider.get('/api/0/users/me/'))).id;
    for (const assignedTo of [
      `user:${outsiderId}`,
      'assign-outsider@example.com',
      'team:nope',
      '#nope',
      'user:abc',
    ]) {
      const res = await org.owner.put(`/api/0/issues/${alpha.id}/`, { assignedTo, status: 'resolved' });
      expect([assignedTo, res.status]).toEqual([assignedTo, 400]);
      expect(res.body).toEqual({ detail: expect.any(String) });
    }
    // A team of the organization without access to the issue's project.
    await expectOk(org.owner.post(`/api/0/organizations/${org.slug}/teams/`, { slug: 'elsewhere' }), 201);
    const noAccess = await org.owner.put(`/api/0/issues/${alpha.id}/`, { assignedTo: '#elsewhere' });
    expect(noAccess.status).toBe(400);
    expect(noAccess.body.detail).toMatch(/no access/);
    const unchanged = await expectOk<AssignedIssue>(org.owner.get(`/api/0/issues/${alpha.id}/`));
    expect(unchanged).toMatchObject({ status: 'unresolved', assignedTo: { type: 'team' } });
    expect((await org.owner.put(`/api/0/issues/${alpha.id}/`, { assignedTo: 42 })).status).toBe(422);
    // The outsider cannot assign this organization's issue at all.
    expect((await org.outsider.put(`/api/0/issues/${alpha.id}/`, { assignedTo: null })).status).toBe(404);
  });

  it("unassigns a member's issues when they leave the organization", async () => {
    await expectOk(org.owner.put(`/api/0/issues/${alpha.id}/`, { assignedTo: `user:${memberUserId}` }));
    expect(
      (await org.owner.delete(`/api/0/organizations/${org.slug}/members/${org.memberIds.member}/`)).status,
    ).toBe(204);
    const after = await expectOk<AssignedIssue>(org.owner.get(`/api/0/issues/${alpha.id}/`));
    expect(after.assignedTo).toBeNull();
  });
});
