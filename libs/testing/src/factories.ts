import { SqlRunner } from '@app/core';

// Small factories for integration tests: minimal rows written with plain SQL, so that a test of one
// repository does not depend on the code of another. Every default is unique per call.

let sequence = 0;
function next(): number {
  return ++sequence;
}

async function insertId(sql: SqlRunner, query: string, params: unknown[]): Promise<string> {
  const rows = (await sql.query(query, params)) as Array<{ id: string | number }>;
  return String(rows[0]!.id);
}

export interface TestUser {
  id: string;
  email: string;
}

/** A user; `password` is stored as given (a hash in real life), null for an account without one. */
export async function createUser(
  sql: SqlRunner,
  input: { email?: string; password?: string | null; name?: string; isActive?: boolean } = {},
): Promise<TestUser> {
  const email = input.email ?? `user${next()}@example.org`;
  const id = await insertId(
    sql,
    `INSERT INTO users (email, password, name, is_active) VALUES ($1, $2, $3, $4) RETURNING id`,
    [email, input.password === undefined ? 'hash' : input.password, input.name ?? '', input.isActive ?? true],
  );
  return { id, email };
}

/** Another address of a user. */
export async function createEmailAddress(
  sql: SqlRunner,
  userId: string,
  email: string,
  flags: { isPrimary?: boolean; isVerified?: boolean } = {},
): Promise<string> {
  return insertId(
    sql,
    `INSERT INTO email_addresses (user_id, email, is_primary, is_verified) VALUES ($1, $2, $3, $4) RETURNING id`,
    [userId, email, flags.isPrimary ?? false, flags.isVerified ?? false],
  );
}

export interface TestOrganization {
  id: string;
  slug: string;
}

export async function createOrganization(
  sql: SqlRunner,
  input: { name?: string; slug?: string } = {},
): Promise<TestOrganization> {
  const n = next();
  const slug = input.slug ?? `org-${n}`;
  const id = await insertId(sql, `INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id`, [
    input.name ?? `Org ${n}`,
    slug,
  ]);
  return { id, slug };
}

/** A membership of `userId`, or a pending invitation of `email` when `userId` is null. Role 0 = member. */
export async function addMember(
  sql: SqlRunner,
  organizationId: string,
  userId: string | null,
  input: { role?: number; isOwner?: boolean; email?: string; created?: Date } = {},
): Promise<string> {
  return insertId(
    sql,
    `INSERT INTO organization_users (organization_id, user_id, email, role, is_owner, created)
     VALUES ($1, $2, $3, $4, $5, COALESCE($6, now())) RETURNING id`,
    [
      organizationId,
      userId,
      input.email ?? null,
      input.role ?? 0,
      input.isOwner ?? false,
      input.created ?? null,
    ],
  );
}

/** A team with these organization members in it. */
export async function createTeam(
  sql: SqlRunner,
  organizationId: string,
  input: { slug?: string; memberIds?: string[] } = {},
): Promise<string> {
  const id = await insertId(sql, `INSERT INTO teams (organization_id, slug) VALUES ($1, $2) RETURNING id`, [
    organizationId,
    input.slug ?? `team-${next()}`,
  ]);
  for (const memberId of input.memberIds ?? []) {
    await sql.query(`INSERT INTO team_members (team_id, organization_user_id) VALUES ($1, $2)`, [
      id,
      memberId,
    ]);
  }
  return id;
}

/** A project linked to these teams. */
export async function createProject(
  sql: SqlRunner,
  organizationId: string,
  input: { name?: string; slug?: string; teamIds?: string[] } = {},
): Promise<string> {
  const n = next();
  const id = await insertId(
    sql,
    `INSERT INTO projects (organization_id, name, slug) VALUES ($1, $2, $3) RETURNING id`,
    [organizationId, input.name ?? `Project ${n}`, input.slug ?? `project-${n}`],
  );
  for (const teamId of input.teamIds ?? []) {
    await sql.query(`INSERT INTO project_teams (project_id, team_id) VALUES ($1, $2)`, [id, teamId]);
  }
  return id;
}

/** An issue of the project (first and last seen now unless given), optionally assigned to a user. */
export async function createIssue(
  sql: SqlRunner,
  projectId: string,
  input: { title?: string; assignedUserId?: string; firstSeen?: string; lastSeen?: string } = {},
): Promise<string> {
  const n = next();
  return insertId(
    sql,
    `INSERT INTO issues (project_id, short_id, title, first_seen, last_seen, assigned_user_id)
     VALUES ($1, $2, $3, COALESCE($5::timestamptz, now()), COALESCE($6::timestamptz, now()), $4) RETURNING id`,
    [
      projectId,
      n,
      input.title ?? `Issue ${n}`,
      input.assignedUserId ?? null,
      input.firstSeen ?? null,
      input.lastSeen ?? null,
    ],
  );
}

/**
 * An event of the issue, received now unless `received` says when (the caller makes sure that day's partition
 * exists). The issue's `count` grows by one, as ingest keeps it.
 */
export async function createEvent(
  sql: SqlRunner,
  projectId: string,
  issueId: string,
  received?: string,
): Promise<void> {
  await sql.query(
    `INSERT INTO events (event_id, received, project_id, issue_id, timestamp, type, level, title, hash, data)
     VALUES (gen_random_uuid(), COALESCE($3::timestamptz, now()), $1, $2, COALESCE($3::timestamptz, now()), 1, 4, 't',
             repeat('a', 32), '{}')`,
    [projectId, issueId, received ?? null],
  );
  await sql.query('UPDATE issues SET count = count + 1 WHERE id = $1', [issueId]);
}
