import { DataSource } from 'typeorm';
import { createUser, DomainTestApp, startDomainApp } from '@app/testing';
import { ApiTokensRepository } from './api-tokens.repository';
import { OrganizationsModule } from './organizations.module';
import { SessionsRepository } from './sessions.repository';

describe('SessionsRepository and ApiTokensRepository (PostgreSQL)', () => {
  let t: DomainTestApp;
  let sql: DataSource;
  let sessions: SessionsRepository;
  let tokens: ApiTokensRepository;
  const method = { method: 'password' as const, at: 1 };

  beforeAll(async () => {
    t = await startDomainApp([OrganizationsModule]);
    sql = t.app.get(DataSource);
    sessions = t.app.get(SessionsRepository);
    tokens = t.app.get(ApiTokensRepository);
  });
  afterAll(() => t.close());

  const session = (userId: string, keyHash: string, ttlSeconds = 60) =>
    sessions.insert({
      keyHash,
      userId,
      methods: [method],
      userAgent: 'x'.repeat(600),
      ip: '1.2.3.4',
      ttlSeconds,
    });

  it('finds live sessions only and sweeps the expired ones of a user', async () => {
    const user = await createUser(sql);
    await session(user.id, 'a'.repeat(64));
    await session(user.id, 'b'.repeat(64), -5);
    const live = await sessions.findLive('a'.repeat(64));
    expect(live).toMatchObject({ userId: user.id, methods: [method], ip: '1.2.3.4' });
    expect(live?.userAgent).toHaveLength(512);
    expect(await sessions.findLive('b'.repeat(64))).toBeNull();
    await sessions.deleteExpiredOf(user.id);
    const rows: unknown[] = await sql.query(`SELECT 1 FROM user_sessions WHERE user_id = $1`, [user.id]);
    expect(rows).toHaveLength(1);
  });

  it('appends authentication methods and ends all sessions but one', async () => {
    const user = await createUser(sql);
    await session(user.id, 'c'.repeat(64));
    await session(user.id, 'd'.repeat(64));
    const keep = (await sessions.findLive('c'.repeat(64)))!;
    await sessions.appendMethod(keep.id, { method: 'password_reset', at: 2 });
    expect((await sessions.findLive('c'.repeat(64)))?.methods).toEqual([
      method,
      { method: 'password_reset', at: 2 },
    ]);
    await sessions.deleteAllOf(user.id, keep.id);
    expect(await sessions.findLive('d'.repeat(64))).toBeNull();
    expect(await sessions.findLive('c'.repeat(64))).not.toBeNull();
    await sessions.deleteAllOf(user.id);
    expect(await sessions.findLive('c'.repeat(64))).toBeNull();
  });

  it('pages tokens newest first and deletes only the owner’s', async () => {
    const user = await createUser(sql);
    const other = await createUser(sql);
    const first = await tokens.insert({
      userId: user.id,
      label: 'one',
      scopes: 1,
      tokenHash: '1'.repeat(64),
      tokenHint: '111111',
    });
    const second = await tokens.insert({
      userId: user.id,
      label: 'two',
      scopes: 2,
      tokenHash: '2'.repeat(64),
      tokenHint: '222222',
    });
    const page = await tokens.pageOf(user.id, 0, 1);
    expect(page).toMatchObject({ total: 2, tokens: [{ id: second.id }] });
    expect(await tokens.deleteOfUser(other.id, first.id)).toBe(false);
    expect(await tokens.deleteOfUser(user.id, first.id)).toBe(true);
    expect(await tokens.findById(first.id)).toBeNull();
  });

  it('upserts a derived token by hash, updating its scopes', async () => {
    const user = await createUser(sql);
    const input = {
      userId: user.id,
      label: 'bootstrap',
      scopes: 1,
      tokenHash: 'e'.repeat(64),
      tokenHint: 'eeeeee',
    };
    await tokens.upsertScopes(input);
    await tokens.upsertScopes({ ...input, scopes: 7 });
    const found = await tokens.findByHash('e'.repeat(64));
    expect(found).toMatchObject({ userId: user.id, scopes: 7, label: 'bootstrap' });
    expect((await tokens.pageOf(user.id, 0, 10)).total).toBe(1);
  });
});
