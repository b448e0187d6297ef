import { DataSource } from 'typeorm';
import {
  addMember,
  createOrganization,
  createTeam,
  createUser,
  DomainTestApp,
  startDomainApp,
} from '@app/testing';
import { OrganizationRole } from './entities/organization-user.entity';
import { OrganizationsModule } from './organizations.module';
import { OrganizationsRepository } from './organizations.repository';
import { TeamsRepository } from './teams.repository';

describe('tenant lookups: memberships by slug or id, teams by slug (PostgreSQL)', () => {
  let t: DomainTestApp;
  let sql: DataSource;
  let organizations: OrganizationsRepository;
  let teams: TeamsRepository;

  beforeAll(async () => {
    t = await startDomainApp([OrganizationsModule]);
    sql = t.app.get(DataSource);
    organizations = t.app.get(OrganizationsRepository);
    teams = t.app.get(TeamsRepository);
  });
  afterAll(() => t.close());

  it("answers the organization with the caller's role and membership row, in one query", async () => {
    const user = await createUser(sql);
    const org = await createOrganization(sql, { name: 'Acme' });
    const memberId = await addMember(sql, org.id, user.id, { role: OrganizationRole.Manager });
    let statements = 0;
    const createQueryRunner = sql.createQueryRunner.bind(sql);
    const counting = jest.spyOn(sql, 'createQueryRunner').mockImplementation((mode) => {
      const runner = createQueryRunner(mode);
      const query = runner.query.bind(runner);
      runner.query = ((...args: Parameters<typeof query>) => {
        statements++;
        return query(...args);
      }) as typeof runner.query;
      return runner;
    });
    const bySlug = await organizations.membershipBySlug(user.id, org.slug);
    counting.mockRestore();
    expect(statements).toBe(1);
    expect(bySlug).toEqual({
      organization: expect.objectContaining({ id: org.id, slug: org.slug, name: 'Acme' }),
      role: OrganizationRole.Manager,
      memberId,
    });
    expect(await organizations.membershipById(user.id, org.id)).toEqual(bySlug);
  });

  it('answers null outside the caller’s memberships (another user, a pending invitation, an unknown slug)', async () => {
    const user = await createUser(sql);
    const stranger = await createUser(sql);
    const org = await createOrganization(sql);
    await addMember(sql, org.id, user.id);
    await addMember(sql, org.id, null, { email: 'invited@example.com' });
    expect(await organizations.membershipBySlug(stranger.id, org.slug)).toBeNull();
    expect(await organizations.membershipById(stranger.id, org.id)).toBeNull();
    expect(await organizations.membershipBySlug(user.id, 'no-such-org')).toBeNull();
  });

  it('finds a team only in its own organization', async () => {
    const a = await createOrganization(sql);
    const b = await createOrganization(sql);
    const teamId = await createTeam(sql, a.id, { slug: 'core' });
    expect((await teams.findBySlug(a.id, 'core'))?.id).toBe(teamId);
    expect(await teams.findBySlug(b.id, 'core')).toBeNull();
  });
});
