import { DataSource } from 'typeorm';
import { Transactions } from '@app/core';
import {
  addMember,
  createOrganization,
  createTeam,
  createUser,
  DomainTestApp,
  startDomainApp,
} from '@app/testing';
import { isUniqueViolation } from './accounts.service';
import { OrganizationRole } from './entities/organization-user.entity';
import { MembersRepository } from './members.repository';
import { OrganizationsModule } from './organizations.module';
import { OrganizationsRepository } from './organizations.repository';
import { TeamsRepository } from './teams.repository';

describe('OrganizationsRepository, MembersRepository and TeamsRepository (PostgreSQL)', () => {
  let t: DomainTestApp;
  let sql: DataSource;
  let organizations: OrganizationsRepository;
  let members: MembersRepository;
  let teams: TeamsRepository;
  let transactions: Transactions;

  beforeAll(async () => {
    t = await startDomainApp([OrganizationsModule]);
    sql = t.app.get(DataSource);
    organizations = t.app.get(OrganizationsRepository);
    members = t.app.get(MembersRepository);
    teams = t.app.get(TeamsRepository);
    transactions = t.app.get(Transactions);
  });
  afterAll(() => t.close());

  it('pages the organizations of a user by name', async () => {
    const user = await createUser(sql);
    const b = await createOrganization(sql, { name: 'Beta' });
    const a = await createOrganization(sql, { name: 'Alpha' });
    await createOrganization(sql, { name: 'Aardvark, not joined' });
    await addMember(sql, b.id, user.id);
    await addMember(sql, a.id, user.id);
    const page = await organizations.pageForUser(user.id, 0, 1);
    expect(page.total).toBe(2);
    expect(page.organizations.map((o) => o.name)).toEqual(['Alpha']);
    expect((await organizations.pageForUser(user.id, 1, 5)).organizations.map((o) => o.name)).toEqual([
      'Beta',
    ]);
    expect(new Set(await members.organizationIdsOfUser(user.id))).toEqual(new Set([a.id, b.id]));
  });

  it("finds the user's oldest organization by name or slug", async () => {
    const user = await createUser(sql);
    const stranger = await createUser(sql);
    const first = await createOrganization(sql, { name: 'Acme', slug: 'acme-x' });
    const second = await createOrganization(sql, { name: 'Other', slug: 'acme' });
    await addMember(sql, first.id, user.id);
    await addMember(sql, second.id, user.id);
    expect((await organizations.findOfMemberByNameOrSlug('Acme', 'acme', user.id))?.id).toBe(first.id);
    expect((await organizations.findOfMemberByNameOrSlug('Nope', 'acme', user.id))?.id).toBe(second.id);
    expect(await organizations.findOfMemberByNameOrSlug('Acme', 'acme', stranger.id)).toBeNull();
  });

  it('deletes an organization with its members and teams by cascade', async () => {
    const user = await createUser(sql);
    const org = await createOrganization(sql);
    const member = await addMember(sql, org.id, user.id);
    await createTeam(sql, org.id, { memberIds: [member] });
    await transactions.run((tx) => organizations.delete(tx, org.id));
    expect(await organizations.findById(org.id)).toBeNull();
    const left: unknown[] = await sql.query(
      `SELECT 1 FROM organization_users WHERE organization_id = $1 UNION ALL SELECT 1 FROM teams WHERE organization_id = $1`,
      [org.id],
    );
    expect(left).toEqual([]);
  });

  it('pages members oldest first, optionally of one team', async () => {
    const org = await createOrganization(sql);
    const late = await addMember(sql, org.id, (await createUser(sql)).id, {
      created: new Date('2026-02-01'),
    });
    const early = await addMember(sql, org.id, (await createUser(sql)).id, {
      created: new Date('2026-01-01'),
    });
    const invited = await addMember(sql, org.id, null, {
      email: 'x@example.org',
      created: new Date('2026-03-01'),
    });
    const team = await createTeam(sql, org.id, { memberIds: [invited, late] });
    const all = await members.pageOf(org.id, { offset: 0, limit: 10 });
    expect(all.members.map((m) => m.id)).toEqual([early, late, invited]);
    expect(all.total).toBe(3);
    const ofTeam = await members.pageOf(org.id, { offset: 0, limit: 1 }, { teamId: team });
    expect(ofTeam.members.map((m) => m.id)).toEqual([late]);
    expect(ofTeam.total).toBe(2);
  });

  it('counts owners who are users, except the one given', async () => {
    const org = await createOrganization(sql);
    const owner = await addMember(sql, org.id, (await createUser(sql)).id, { role: OrganizationRole.Owner });
    await addMember(sql, org.id, null, { email: 'o@example.org', role: OrganizationRole.Owner });
    await addMember(sql, org.id, (await createUser(sql)).id, { role: OrganizationRole.Manager });
    expect(await members.countOwners(org.id)).toBe(1);
    expect(await members.countOwners(org.id, owner)).toBe(0);
  });

  it('finds invitations and members by e-mail, case-insensitively', async () => {
    const org = await createOrganization(sql);
    const user = await createUser(sql, { email: 'Member@example.org' });
    await addMember(sql, org.id, user.id);
    const invitation = await addMember(sql, org.id, null, { email: 'Invited@example.org' });
    await transactions.run(async (tx) => {
      expect(await members.hasMemberWithEmail(tx, org.id, 'member@EXAMPLE.org')).toBe(true);
      expect(await members.hasMemberWithEmail(tx, org.id, 'invited@example.org')).toBe(false);
      expect((await members.findInvitation(tx, org.id, 'invited@example.org'))?.id).toBe(invitation);
      expect(await members.findInvitation(tx, org.id, 'member@example.org')).toBeNull();
    });
  });

  it('deletes a member and answers whose membership it was', async () => {
    const org = await createOrganization(sql);
    const user = await createUser(sql);
    const member = await addMember(sql, org.id, user.id);
    const invitation = await addMember(sql, org.id, null, { email: 'i@example.org' });
    await transactions.run(async (tx) => {
      expect(await members.delete(tx, member)).toEqual({ organizationId: org.id, userId: user.id });
      expect(await members.delete(tx, invitation)).toEqual({ organizationId: org.id, userId: null });
      expect(await members.delete(tx, member)).toBeNull();
    });
  });

  it('keeps one primary owner and knows who is one', async () => {
    const org = await createOrganization(sql);
    const firstUser = await createUser(sql);
    const first = await addMember(sql, org.id, firstUser.id, { role: OrganizationRole.Owner, isOwner: true });
    const second = await addMember(sql, org.id, (await createUser(sql)).id);
    await transactions.run((tx) => members.setPrimaryOwner(tx, org.id, second));
    expect(await members.findById(first)).toMatchObject({ isOwner: false, role: OrganizationRole.Owner });
    expect(await members.findById(second)).toMatchObject({ isOwner: true, role: OrganizationRole.Owner });
    expect(await transactions.run((tx) => members.isPrimaryOwnerOfAny(tx, firstUser.id))).toBe(false);
  });

  it('turns an invitation into a membership, but not a second one of the same user', async () => {
    const org = await createOrganization(sql);
    const user = await createUser(sql);
    const invitation = await addMember(sql, org.id, null, { email: 'a@example.org' });
    await members.attachUser(invitation, user.id);
    expect(await members.findOfUser(org.id, user.id)).toMatchObject({ id: invitation, email: null });
    const again = await addMember(sql, org.id, null, { email: 'b@example.org' });
    const error: unknown = await members.attachUser(again, user.id).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it("lists teams with member counts and the caller's membership, filtered and paged", async () => {
    const org = await createOrganization(sql);
    const user = await createUser(sql);
    const me = await addMember(sql, org.id, user.id);
    const other = await addMember(sql, org.id, (await createUser(sql)).id);
    const beta = await createTeam(sql, org.id, { slug: 'beta', memberIds: [me, other] });
    const alpha = await createTeam(sql, org.id, { slug: 'alpha', memberIds: [other] });
    await createTeam(sql, org.id, { slug: 'gamma' });
    await createTeam(sql, (await createOrganization(sql)).id, { slug: 'aaa-elsewhere' });

    const all = await teams.summaries(org.id, user.id);
    expect(all.teams.map((x) => [x.slug, x.memberCount, x.isMember])).toEqual([
      ['alpha', 1, false],
      ['beta', 2, true],
      ['gamma', 0, false],
    ]);
    expect(all.total).toBe(3);
    const page = await teams.summaries(org.id, user.id, {}, { offset: 1, limit: 1 });
    expect(page.teams.map((x) => x.slug)).toEqual(['beta']);
    expect(page.total).toBe(3);
    const some = await teams.summaries(org.id, user.id, { teamIds: [beta, alpha] }, { offset: 0, limit: 10 });
    expect(some.teams.map((x) => x.slug)).toEqual(['alpha', 'beta']);
    expect(some.total).toBe(2);
    expect((await teams.summaries(org.id, user.id, { teamIds: [] })).teams).toEqual([]);
    expect(await teams.summaryBySlug(org.id, 'beta', user.id)).toMatchObject({ id: beta, isMember: true });
  });

  it('checks team slugs within one organization or across all', async () => {
    const org = await createOrganization(sql);
    const elsewhere = await createOrganization(sql);
    await createTeam(sql, elsewhere.id, { slug: 'shared-slug' });
    expect(await teams.slugExists('shared-slug', org.id)).toBe(false);
    expect(await teams.slugExists('shared-slug', null)).toBe(true);
    expect(await teams.idBySlug(org.id, 'shared-slug')).toBeNull();
    const error: unknown = await teams
      .insert(elsewhere.id, 'shared-slug')
      .then(() => null)
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('adds members to teams idempotently, also by slug, and reads memberships back', async () => {
    const org = await createOrganization(sql);
    const user = await createUser(sql);
    const member = await addMember(sql, org.id, user.id);
    const zeta = await createTeam(sql, org.id, { slug: 'zeta' });
    const eta = await createTeam(sql, org.id, { slug: 'eta' });
    const notMine = await createTeam(sql, (await createOrganization(sql)).id, { slug: 'zeta' });
    await teams.addMember(zeta, member);
    await teams.addMember(zeta, member);
    await transactions.run((tx) =>
      teams.addMemberToTeamsWithSlugs(tx, org.id, ['eta', 'zeta', 'nope'], member),
    );
    expect(await teams.isMember(eta, member)).toBe(true);
    expect(await teams.isMember(notMine, member)).toBe(false);
    expect((await teams.slugsOfMembers([member])).get(member)).toEqual(['eta', 'zeta']);
    expect(await teams.idsWithUser(user.id, [zeta, eta, notMine])).toEqual(new Set([zeta, eta]));
    expect(await teams.slugsInOrder([zeta, eta])).toEqual([
      { id: eta, slug: 'eta' },
      { id: zeta, slug: 'zeta' },
    ]);
    await teams.removeMember(zeta, member);
    expect((await teams.slugsOfMembers([member])).get(member)).toEqual(['eta']);
  });
});
