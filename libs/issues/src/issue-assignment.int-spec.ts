import { DataSource } from 'typeorm';
import {
  addMember,
  createIssue,
  createOrganization,
  createProject,
  createUser,
  DomainTestApp,
  startDomainApp,
} from '@app/testing';
import { IssueAssignmentService } from './issue-assignment.service';
import { IssuesModule } from './issues.module';

describe('removing an organization member (PostgreSQL)', () => {
  let t: DomainTestApp;
  let sql: DataSource;
  let assignment: IssueAssignmentService;

  beforeAll(async () => {
    t = await startDomainApp([IssuesModule]);
    sql = t.app.get(DataSource);
    assignment = t.app.get(IssueAssignmentService);
  });
  afterAll(() => t.close());

  it("unassigns the member's issues in that organization only", async () => {
    const user = await createUser(sql);
    const left = await createOrganization(sql);
    const stayed = await createOrganization(sql);
    const member = await addMember(sql, left.id, user.id);
    await addMember(sql, stayed.id, user.id);
    const inLeft = await createIssue(sql, await createProject(sql, left.id), { assignedUserId: user.id });
    const inStayed = await createIssue(sql, await createProject(sql, stayed.id), { assignedUserId: user.id });

    await assignment.removeMember(member);

    const rows: Array<{ id: string; assigned_user_id: string | null }> = await sql.query(
      `SELECT id, assigned_user_id FROM issues WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [[inLeft, inStayed]],
    );
    expect(rows.map((r) => [String(r.id), r.assigned_user_id && String(r.assigned_user_id)])).toEqual([
      [inLeft, null],
      [inStayed, user.id],
    ]);
    expect(await sql.query(`SELECT 1 FROM organization_users WHERE id = $1`, [member])).toEqual([]);
    await expect(assignment.removeMember(member)).resolves.toBeUndefined();
  });
});
