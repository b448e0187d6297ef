import { DataSource } from 'typeorm';
import { SharedStore } from '@app/core';
import { ensurePartitions } from '@app/partitioning';
import {
  addMember,
  createEvent,
  createIssue,
  createOrganization,
  createProject,
  createTeam,
  createUser,
  DomainTestApp,
  startDomainApp,
} from '@app/testing';
import { ProjectKeyInvalidation } from './project-key-invalidation';
import { ProjectKeysRepository } from './project-keys.repository';
import { ProjectsModule } from './projects.module';
import { ProjectsRepository } from './projects.repository';

import { ProjectsService } from './projects.service';

describe('ProjectsService over PostgreSQL: deletions through the owners, listings across libs', () => {
  let t: DomainTestApp;
  let sql: DataSource;
  let service: ProjectsService;

  beforeAll(async () => {
    t = await startDomainApp([ProjectsModule]);
    sql = t.app.get(DataSource);
    service = t.app.get(ProjectsService);
    await ensurePartitions(sql, new Date(), 1);
  });
  afterAll(() => t.close());

  const count = async (query: string, params: unknown[]) =>
    Number(((await sql.query(query, params)) as Array<{ n: string }>)[0]!.n);

  /** An organization with a member, a team and a project holding an issue and an event. */
  async function populated() {
    const org = await createOrganization(sql);
    const user = await createUser(sql);
    const member = await addMember(sql, org.id, user.id);
    const team = await createTeam(sql, org.id, { memberIds: [member] });
    const project = await createProject(sql, org.id, { teamIds: [team] });
    await createEvent(sql, project, await createIssue(sql, project));
    return { org, project };
  }

  it('deletes an organization with its events, projects, issues, members and teams, and nothing else', async () => {
    const doomed = await populated();
    const kept = await populated();
    await service.deleteOrganization(doomed.org.id);
    for (const [table, column, id] of [
      ['events', 'project_id', doomed.project],
      ['issues', 'project_id', doomed.project],
      ['projects', 'organization_id', doomed.org.id],
      ['organization_users', 'organization_id', doomed.org.id],
      ['teams', 'organization_id', doomed.org.id],
    ]) {
      expect(await count(`SELECT count(*) AS n FROM ${table} WHERE ${column} = $1`, [id])).toBe(0);
    }
    expect(await count(`SELECT count(*) AS n FROM events WHERE project_id = $1`, [kept.project])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM issues WHERE project_id = $1`, [kept.project])).toBe(1);
  });

  it('deletes a project with its events and issues', async () => {
    const { org, project } = await populated();
    const sibling = await createProject(sql, org.id);
    await createEvent(sql, sibling, await createIssue(sql, sibling));
    await service.deleteProject(project);
    expect(await count(`SELECT count(*) AS n FROM events WHERE project_id = $1`, [project])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM issues WHERE project_id = $1`, [project])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM events WHERE project_id = $1`, [sibling])).toBe(1);
  });

  it("lists the caller's projects with their teams in slug order and whether the caller is in one", async () => {
    const org = await createOrganization(sql);
    const user = await createUser(sql);
    const me = await addMember(sql, org.id, user.id);
    const mine = await createTeam(sql, org.id, { slug: 'zz-mine', memberIds: [me] });
    const theirs = await createTeam(sql, org.id, { slug: 'aa-theirs' });
    const shared = await createProject(sql, org.id, { name: 'Shared', teamIds: [mine, theirs] });
    const foreign = await createProject(sql, org.id, { name: 'Foreign', teamIds: [theirs] });
    await createProject(sql, (await createOrganization(sql)).id, { name: 'Not a member' });

    const { projects, total } = await service.listProjects(user.id, {});
    expect(total).toBe(2);
    expect(projects.map((s) => [s.project.id, s.isMember, s.teams.map((x) => x.slug)])).toEqual([
      [foreign, false, ['aa-theirs']],
      [shared, true, ['aa-theirs', 'zz-mine']],
    ]);
    const withMine = await service.listProjects(user.id, { withTeamSlugs: ['zz-mine'] });
    expect(withMine.projects.map((s) => s.project.id)).toEqual([shared]);
    const withoutMine = await service.listProjects(user.id, { withoutTeamSlugs: ['zz-mine'] });
    expect(withoutMine.projects.map((s) => s.project.id)).toEqual([foreign]);
    const byTeam = await service.projectsOfTeams([mine, theirs], user.id);
    expect(byTeam.get(theirs)?.map((s) => s.project.id)).toEqual([foreign, shared]);
    expect((await service.teamsOfProject(org.id, user.id, foreign)).teams.map((x) => x.slug)).toEqual([
      'aa-theirs',
    ]);
  });

  it('creates a project with its team link and first key, and a unique slug around "new"', async () => {
    const org = await createOrganization(sql);
    const team = await createTeam(sql, org.id);
    const { project, key } = await service.createProject({
      organizationId: org.id,
      name: 'New',
      slug: 'new-1',
      teamId: team,
    });
    expect(project).toMatchObject({ slug: 'new-1', eventThrottleRate: 0, platform: null });
    expect(key).toMatchObject({ projectId: project.id, name: '', isActive: true });
    expect(await service.uniqueSlug(org.id, 'new')).toBe('new-1-1');
    expect(await service.uniqueSlug(org.id, 'new', project.id)).toBe('new-1');
    expect(await service.updateProject(project.id, { slug: 'other' })).toMatchObject({ slug: 'other' });
    const clash = await service.createProject({ organizationId: org.id, name: 'Clash', slug: 'clash' });
    expect(await service.updateProject(clash.project.id, { slug: 'other' })).toBeNull();
  });

  it('tells the key caches about key and project changes itself, here and through the shared store', async () => {
    const org = await createOrganization(sql);
    const invalidation = t.app.get(ProjectKeyInvalidation);
    let local = 0;
    let published = 0;
    const unregister = invalidation.onLocalInvalidation(() => local++);
    const unsubscribe = await t.app.get(SharedStore).subscribe(invalidation.channel, () => published++);
    const { project } = await service.createProject({ organizationId: org.id, name: 'Web', slug: 'web' });
    const key = await service.createKey(project.id, 'second');
    await service.updateKey(key.id, { isActive: false });
    await service.deleteKey(key.id);
    await service.updateProject(project.id, { eventThrottleRate: 50 });
    await service.deleteProject(project.id);
    unregister();
    await unsubscribe();
    // createProject's first key, createKey, updateKey, deleteKey, updateProject, deleteProject.
    expect(local).toBe(6);
    expect(published).toBe(6);
  });

  it('looks up projects by exact slug within their organization, and the ingest settings of a key', async () => {
    const org = await createOrganization(sql);
    const other = await createOrganization(sql);
    const projects = t.app.get(ProjectsRepository);
    const { project, key } = await service.createProject({
      organizationId: org.id,
      name: 'Api',
      slug: 'api',
    });
    expect((await projects.findBySlug(org.id, 'api'))?.id).toBe(project.id);
    expect(await projects.findBySlug(other.id, 'api')).toBeNull();
    expect(await projects.findBySlug(org.id, 'Api')).toBeNull();
    const hex = key.publicKey.replace(/-/g, '');
    const keys = t.app.get(ProjectKeysRepository);
    expect(await keys.ingestInfo(Number(project.id), hex)).toEqual({
      projectId: Number(project.id),
      organizationId: Number(org.id),
      keyActive: true,
      acceptingEvents: true,
      throttleRate: 0,
    });
    expect(await keys.ingestInfo(Number(project.id) + 1000, hex)).toBeNull();
  });
});
