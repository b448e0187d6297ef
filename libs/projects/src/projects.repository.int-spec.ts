import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Transactions } from '@app/core';
import {
  createOrganization,
  createProject,
  createTeam,
  createUser,
  DomainTestApp,
  startDomainApp,
} from '@app/testing';
import { EnvironmentsRepository } from './environments.repository';
import { ProjectKeysRepository } from './project-keys.repository';
import { ProjectsModule } from './projects.module';
import { ProjectsRepository } from './projects.repository';
import { UserProjectAlertsRepository } from './user-project-alerts.repository';

describe('ProjectsRepository, ProjectKeysRepository, EnvironmentsRepository, UserProjectAlertsRepository (PostgreSQL)', () => {
  let t: DomainTestApp;
  let sql: DataSource;
  let projects: ProjectsRepository;
  let keys: ProjectKeysRepository;
  let environments: EnvironmentsRepository;
  let alerts: UserProjectAlertsRepository;
  let transactions: Transactions;

  beforeAll(async () => {
    t = await startDomainApp([ProjectsModule]);
    sql = t.app.get(DataSource);
    projects = t.app.get(ProjectsRepository);
    keys = t.app.get(ProjectKeysRepository);
    environments = t.app.get(EnvironmentsRepository);
    alerts = t.app.get(UserProjectAlertsRepository);
    transactions = t.app.get(Transactions);
  });
  afterAll(() => t.close());

  it('pages projects by name within the organizations and team filters given', async () => {
    const org = await createOrganization(sql);
    const elsewhere = await createOrganization(sql);
    const red = await createTeam(sql, org.id, { slug: 'red' });
    const blue = await createTeam(sql, org.id, { slug: 'blue' });
    const c = await createProject(sql, org.id, { name: 'C', teamIds: [red, blue] });
    const a = await createProject(sql, org.id, { name: 'A', teamIds: [red] });
    const b = await createProject(sql, org.id, { name: 'B' });
    await createProject(sql, elsewhere.id, { name: 'AA' });

    const ids = async (
      filter: Parameters<ProjectsRepository['pageOf']>[0],
      page?: { offset: number; limit: number },
    ) => (await projects.pageOf(filter, page)).projects.map((p) => p.id);
    expect(await ids({ organizationIds: [org.id] })).toEqual([a, b, c]);
    expect(await projects.pageOf({ organizationIds: [org.id] }, { offset: 1, limit: 1 })).toMatchObject({
      total: 3,
      projects: [{ id: b }],
    });
    expect(await ids({ organizationIds: [] })).toEqual([]);
    expect(await ids({ organizationIds: [org.id, elsewhere.id], organizationId: org.id })).toEqual([a, b, c]);
    expect(await ids({ organizationIds: [org.id], teamId: blue })).toEqual([c]);
    expect(await ids({ organizationIds: [org.id], withTeamIds: [[red], [blue]] })).toEqual([c]);
    expect(await ids({ organizationIds: [org.id], withTeamIds: [[]] })).toEqual([]);
    expect(await ids({ organizationIds: [org.id], withoutTeamIds: [[blue]] })).toEqual([a, b]);
    expect(await ids({ organizationIds: [org.id], withoutTeamIds: [[]] })).toEqual([a, b, c]);
  });

  it('finds a project by slug or name, the oldest first', async () => {
    const org = await createOrganization(sql);
    const first = await createProject(sql, org.id, { name: 'web', slug: 'frontend' });
    const second = await createProject(sql, org.id, { name: 'api', slug: 'web' });
    expect((await projects.findBySlugOrName(org.id, 'web'))?.id).toBe(first);
    expect((await projects.findBySlugOrName(org.id, 'api'))?.id).toBe(second);
    expect(await projects.findBySlugOrName((await createOrganization(sql)).id, 'web')).toBeNull();
  });

  it('checks slugs within the organization, except the project being renamed', async () => {
    const org = await createOrganization(sql);
    const project = await createProject(sql, org.id, { slug: 'taken' });
    expect(await projects.slugTaken(org.id, 'taken')).toBe(true);
    expect(await projects.slugTaken(org.id, 'taken', project)).toBe(false);
    expect(await projects.slugTaken((await createOrganization(sql)).id, 'taken')).toBe(false);
  });

  it('links teams idempotently and lists the links of teams in project name order', async () => {
    const org = await createOrganization(sql);
    const team = await createTeam(sql, org.id);
    const z = await createProject(sql, org.id, { name: 'Z' });
    const y = await createProject(sql, org.id, { name: 'Y' });
    await projects.linkTeam(z, team);
    await projects.linkTeam(z, team);
    await projects.linkTeam(y, team);
    expect(await projects.linksOfTeams([team])).toEqual([
      { teamId: team, projectId: y },
      { teamId: team, projectId: z },
    ]);
    expect(await projects.teamIdsOf(z)).toEqual([team]);
    expect(await projects.projectIdsOfTeam(team, [y, z])).toEqual(new Set([y, z]));
    await projects.unlinkTeam(z, team);
    expect(await projects.teamLinksOf([y, z])).toEqual([{ projectId: y, teamId: team }]);
  });

  it('reserves consecutive issue numbers and deletes a project with its keys by cascade', async () => {
    const org = await createOrganization(sql);
    const project = await createProject(sql, org.id);
    await keys.insert({
      projectId: project,
      name: '',
      publicKey: randomUUID(),
      rateLimitCount: null,
      rateLimitWindow: null,
    });
    await transactions.run(async (tx) => {
      expect(await projects.reserveIssueNumbers(tx, project, 3)).toBe(1);
      expect(await projects.reserveIssueNumbers(tx, project, 1)).toBe(4);
      expect(await projects.idsOfOrganization(tx, org.id)).toEqual([project]);
      await projects.delete(tx, project);
      expect(await projects.reserveIssueNumbers(tx, project, 1)).toBeNull();
    });
    expect(await keys.firstActive(project)).toBeNull();
  });

  it('pages keys oldest first, finds them by hex and answers the oldest active one', async () => {
    const org = await createOrganization(sql);
    const project = await createProject(sql, org.id);
    const key = (name: string) =>
      keys.insert({
        projectId: project,
        name,
        publicKey: randomUUID(),
        rateLimitCount: null,
        rateLimitWindow: null,
      });
    const first = await key('first');
    const second = await key('second');
    expect(first).toMatchObject({ isActive: true, data: {} });
    await keys.update(first.id, { isActive: false });
    expect((await keys.firstActive(project))?.id).toBe(second.id);
    const updated = await keys.update(second.id, { rateLimitCount: 10, rateLimitWindow: 60 });
    expect(updated).toMatchObject({ name: 'second', rateLimitCount: 10, rateLimitWindow: 60 });
    expect((await keys.findByHex(project, second.publicKey.replace(/-/g, '')))?.id).toBe(second.id);
    expect(await keys.findByHex(project, '0'.repeat(32))).toBeNull();
    expect(await keys.pageOf(project, { offset: 0, limit: 1 })).toMatchObject({
      total: 2,
      keys: [{ id: first.id }],
    });
    await keys.delete(first.id);
    expect((await keys.pageOf(project, { offset: 0, limit: 10 })).total).toBe(1);
  });

  it('filters environments by visibility, per project and per organization, and hides them', async () => {
    const org = await createOrganization(sql);
    const web = await createProject(sql, org.id);
    const api = await createProject(sql, org.id);
    const env = async (name: string) =>
      String(
        (
          (await sql.query(`INSERT INTO environments (organization_id, name) VALUES ($1, $2) RETURNING id`, [
            org.id,
            name,
          ])) as Array<{ id: string }>
        )[0]!.id,
      );
    const production = await env('production');
    const staging = await env('staging');
    await env('unused');
    await sql.query(
      `INSERT INTO environment_projects (environment_id, project_id, is_hidden) VALUES ($1, $3, false), ($2, $3, false), ($2, $4, false)`,
      [production, staging, web, api],
    );
    expect(await environments.setHidden(web, 'staging', true)).toEqual({
      id: Number(staging),
      name: 'staging',
      isHidden: true,
    });
    expect(await environments.setHidden(api, 'production', true)).toBeNull();

    const names = async (visibility: 'all' | 'hidden' | 'visible') =>
      (await environments.pageOfProject(web, visibility, { offset: 0, limit: 10 })).environments.map(
        (e) => e.name,
      );
    expect(await names('all')).toEqual(['production', 'staging']);
    expect(await names('hidden')).toEqual(['staging']);
    expect(await names('visible')).toEqual(['production']);
    expect(await environments.pageOfProject(web, 'all', { offset: 1, limit: 1 })).toMatchObject({
      total: 2,
      environments: [{ name: 'staging', isHidden: true }],
    });
    const ofOrg = async (visibility: 'all' | 'hidden' | 'visible') =>
      (await environments.pageOfOrganization(org.id, visibility, { offset: 0, limit: 10 })).environments.map(
        (e) => e.name,
      );
    expect(await ofOrg('all')).toEqual(['production', 'staging', 'unused']);
    expect(await ofOrg('visible')).toEqual(['production', 'staging']); // staging is still shown in api
    expect(await ofOrg('hidden')).toEqual(['staging']);
  });

  it('keeps one alert choice per user and project, and forgets it on request', async () => {
    const user = await createUser(sql);
    const org = await createOrganization(sql);
    const project = await createProject(sql, org.id);
    await alerts.upsert(user.id, project, 1);
    await alerts.upsert(user.id, project, 0);
    expect(await alerts.statusesOf(user.id)).toEqual({ [project]: 0 });
    await alerts.delete(user.id, project);
    expect(await alerts.statusesOf(user.id)).toEqual({});
  });
});
