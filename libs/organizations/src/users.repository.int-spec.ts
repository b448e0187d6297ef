import { DataSource } from 'typeorm';
import { Transactions } from '@app/core';
import { createEmailAddress, createUser, DomainTestApp, startDomainApp } from '@app/testing';
import { isUniqueViolation } from './accounts.service';
import { EmailAddressesRepository } from './email-addresses.repository';
import { OrganizationsModule } from './organizations.module';
import { UsersRepository } from './users.repository';

describe('UsersRepository and EmailAddressesRepository (PostgreSQL)', () => {
  let t: DomainTestApp;
  let sql: DataSource;
  let users: UsersRepository;
  let emails: EmailAddressesRepository;
  let transactions: Transactions;

  beforeAll(async () => {
    t = await startDomainApp([OrganizationsModule]);
    sql = t.app.get(DataSource);
    users = t.app.get(UsersRepository);
    emails = t.app.get(EmailAddressesRepository);
    transactions = t.app.get(Transactions);
  });
  afterAll(() => t.close());

  it('finds users by e-mail case-insensitively and reads the password hash only on request', async () => {
    const user = await createUser(sql, { email: 'Ada@Example.org', password: 'h1' });
    const found = await users.findByEmail('ada@example.ORG');
    expect(found?.id).toBe(user.id);
    expect(found?.password).toBeUndefined();
    expect(await users.passwordHashOf(user.id)).toBe('h1');
  });

  it('tells which users have a usable password', async () => {
    const withPassword = await createUser(sql);
    const empty = await createUser(sql, { password: '' });
    const none = await createUser(sql, { password: null });
    expect(await users.idsWithPassword([withPassword.id, empty.id, none.id])).toEqual(
      new Set([withPassword.id]),
    );
    expect(await users.idsWithPassword([])).toEqual(new Set());
    expect(await users.hasUsablePassword(withPassword.id)).toBe(true);
    expect(await users.hasUsablePassword(empty.id)).toBe(false);
  });

  it('logs in by primary e-mail or a verified address, never an inactive user', async () => {
    const user = await createUser(sql, { email: 'login@example.org' });
    await createEmailAddress(sql, user.id, 'second@example.org', { isVerified: true });
    await createEmailAddress(sql, user.id, 'unverified@example.org');
    const inactive = await createUser(sql, { email: 'gone@example.org', isActive: false });
    expect(await users.loginUserId('LOGIN@example.org')).toBe(user.id);
    expect(await users.loginUserId('second@example.org')).toBe(user.id);
    expect(await users.loginUserId('unverified@example.org')).toBeNull();
    expect(await users.loginUserId(inactive.email)).toBeNull();
    expect(await users.findActiveById(inactive.id)).toBeNull();
  });

  it('updates only the profile fields given', async () => {
    const user = await createUser(sql, { name: 'Old' });
    await users.updateProfile(user.id, null, { theme: 'dark' });
    expect(await users.get(user.id)).toMatchObject({ name: 'Old', options: { theme: 'dark' } });
    await users.updateProfile(user.id, 'New', null);
    expect(await users.get(user.id)).toMatchObject({ name: 'New', options: { theme: 'dark' } });
  });

  it('grants superuser with a new password hash but never revokes it', async () => {
    const user = await createUser(sql);
    await users.setPasswordHash(user.id, 'h2', true);
    await users.setPasswordHash(user.id, 'h3');
    expect(await users.get(user.id)).toMatchObject({ isSuperuser: true });
    expect(await users.passwordHashOf(user.id)).toBe('h3');
  });

  it('counts an address as taken when it is a login e-mail or verified by anyone', async () => {
    const user = await createUser(sql, { email: 'taken@example.org' });
    await createEmailAddress(sql, user.id, 'verified@example.org', { isVerified: true });
    await createEmailAddress(sql, user.id, 'pending@example.org');
    expect(await emails.isTaken('TAKEN@example.org')).toBe(true);
    expect(await emails.isTaken('verified@example.org')).toBe(true);
    expect(await emails.isTaken('pending@example.org')).toBe(false);
    expect(await emails.isVerifiedByAnyone('verified@EXAMPLE.org')).toBe(true);
    expect(await emails.isVerifiedByAnyone('pending@example.org')).toBe(false);
  });

  it('lists the primary address first and removes only secondary ones', async () => {
    const user = await createUser(sql, { email: 'p@example.org' });
    await createEmailAddress(sql, user.id, 'b@example.org');
    await createEmailAddress(sql, user.id, 'p@example.org', { isPrimary: true, isVerified: true });
    expect((await emails.listOf(user.id)).map((e) => e.email)).toEqual(['p@example.org', 'b@example.org']);
    expect(await emails.deleteSecondary(user.id, 'P@example.org')).toBe(false);
    expect(await emails.deleteSecondary(user.id, 'B@example.org')).toBe(true);
    expect(await emails.deleteSecondary(user.id, 'b@example.org')).toBe(false);
    expect((await emails.listOf(user.id)).map((e) => e.email)).toEqual(['p@example.org']);
  });

  it('switches the primary address and the login e-mail in one transaction', async () => {
    const user = await createUser(sql, { email: 'first@example.org' });
    await createEmailAddress(sql, user.id, 'first@example.org', { isPrimary: true, isVerified: true });
    const second = await createEmailAddress(sql, user.id, 'next@example.org', { isVerified: true });
    await expect(
      transactions.run(async (tx) => {
        await emails.makePrimary(tx, user.id, second);
        await users.setEmail(tx, user.id, 'next@example.org');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await users.get(user.id)).email).toBe('first@example.org');
    await transactions.run(async (tx) => {
      await emails.makePrimary(tx, user.id, second);
      await users.setEmail(tx, user.id, 'next@example.org');
    });
    expect((await emails.listOf(user.id)).map((e) => [e.email, e.isPrimary])).toEqual([
      ['next@example.org', true],
      ['first@example.org', false],
    ]);
    expect((await users.get(user.id)).email).toBe('next@example.org');
  });

  it('refuses to verify an address another account verified first, and duplicate addresses of one user', async () => {
    const a = await createUser(sql);
    const b = await createUser(sql);
    await createEmailAddress(sql, a.id, 'shared@example.org', { isVerified: true });
    const pending = await emails.insert({ userId: b.id, email: 'shared@example.org' });
    expect(pending).toMatchObject({ isPrimary: false, isVerified: false });
    const error: unknown = await emails.markVerified(pending.id).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    const twice: unknown = await emails.insert({ userId: b.id, email: 'shared@example.org' }).catch((e) => e);
    expect(isUniqueViolation(twice)).toBe(true);
  });

  it('adds the verified primary address of an administrator-made user once', async () => {
    const user = await createUser(sql, { email: 'admin@example.org' });
    await emails.insertVerifiedPrimary(user.id, user.email);
    await emails.insertVerifiedPrimary(user.id, user.email);
    expect((await emails.listOf(user.id)).map((e) => [e.email, e.isPrimary, e.isVerified])).toEqual([
      ['admin@example.org', true, true],
    ]);
  });
});
