import { Injectable } from '@nestjs/common';
import { Transactions, Tx } from '@app/core';
import { ApiTokensRepository } from './api-tokens.repository';
import { deriveApiToken, generateApiToken, hashApiToken, hashPassword } from './credentials';
import { EmailAddressesRepository } from './email-addresses.repository';
import { ApiTokenEntity } from './entities/api-token.entity';
import { EmailAddressEntity } from './entities/email-address.entity';
import { OrganizationRole, OrganizationUserEntity } from './entities/organization-user.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { UserEntity } from './entities/user.entity';
import { MembersRepository } from './members.repository';
import { OrganizationsRepository } from './organizations.repository';
import { organizationSlug, slugify } from './slug';
import { TeamsRepository } from './teams.repository';
import { UsersRepository } from './users.repository';

/** PostgreSQL's unique_violation. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505';
}

/**
 * Users, organizations, teams and tokens: the commands that management and the API share. Methods with an
 * optional `tx` run in that transaction when one is given.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly emails: EmailAddressesRepository,
    private readonly tokens: ApiTokensRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly members: MembersRepository,
    private readonly teams: TeamsRepository,
    private readonly transactions: Transactions,
  ) {}

  findUserByEmail(email: string, tx?: Tx): Promise<UserEntity | null> {
    return this.users.findByEmail(email, tx);
  }

  /** Creates the user, or updates the password (and superuser flag) of an existing one. */
  async upsertUser(
    input: { email: string; password: string; isSuperuser?: boolean },
    tx?: Tx,
  ): Promise<UserEntity> {
    const passwordHash = await hashPassword(input.password);
    const existing = await this.users.findByEmail(input.email, tx);
    if (existing) {
      await this.users.setPasswordHash(existing.id, passwordHash, !!input.isSuperuser, tx);
      return { ...existing, isSuperuser: existing.isSuperuser || !!input.isSuperuser };
    }
    const user = await this.users.insert(
      { email: input.email, passwordHash, isSuperuser: input.isSuperuser },
      tx,
    );
    // Made by an administrator on the command line: the address counts as verified.
    await this.emails.insertVerifiedPrimary(user.id, user.email, tx);
    return user;
  }

  async findUserById(id: string, tx?: Tx): Promise<UserEntity | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    return this.users.findById(id, tx);
  }

  anyUserExists(): Promise<boolean> {
    return this.users.anyExists();
  }

  /** The stored password hash (null when the account has no usable password). */
  passwordHashOf(userId: string): Promise<string | null> {
    return this.users.passwordHashOf(userId);
  }

  hasUsablePassword(userId: string): Promise<boolean> {
    return this.users.hasUsablePassword(userId);
  }

  /** Which of these users have a usable password (for `hasPasswordAuth`). */
  usersWithPassword(userIds: string[]): Promise<Set<string>> {
    return this.users.idsWithPassword(userIds);
  }

  /** The active user who may log in with this address: the primary e-mail, or any verified one. */
  async findLoginUser(email: string): Promise<{ user: UserEntity; passwordHash: string | null } | null> {
    const userId = await this.users.loginUserId(email);
    if (userId === null) return null;
    const user = await this.findUserById(userId);
    return user ? { user, passwordHash: await this.users.passwordHashOf(user.id) } : null;
  }

  /** Taken = some user's primary address, or a verified address of anyone. */
  isEmailTaken(email: string, tx?: Tx): Promise<boolean> {
    return this.emails.isTaken(email, tx);
  }

  /** Signup: the user and its primary, not yet verified, address. Null when the address is taken. */
  async createUser(input: { email: string; password: string }): Promise<UserEntity | null> {
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.transactions.run(async (tx) => {
        if (await this.emails.isTaken(input.email, tx)) return null;
        const user = await this.users.insert({ email: input.email, passwordHash }, tx);
        await this.emails.insert(
          { userId: user.id, email: input.email, isPrimary: true, isVerified: false },
          tx,
        );
        return this.users.findById(user.id, tx);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async setPassword(userId: string, password: string): Promise<void> {
    await this.users.setPasswordHash(userId, await hashPassword(password));
  }

  async updateProfile(
    userId: string,
    input: { name?: string; options?: Record<string, unknown> },
  ): Promise<UserEntity> {
    await this.users.updateProfile(
      userId,
      input.name ?? null,
      input.options === undefined ? null : input.options,
    );
    return this.users.get(userId);
  }

  async setSubscribeByDefault(userId: string, subscribeByDefault: boolean): Promise<UserEntity> {
    await this.users.setSubscribeByDefault(userId, subscribeByDefault);
    return this.users.get(userId);
  }

  /** Deletes the account unless it is the primary owner of an organization. */
  async deleteUser(userId: string): Promise<'deleted' | 'owner'> {
    return this.transactions.run(async (tx) => {
      if (await this.members.isPrimaryOwnerOfAny(tx, userId)) return 'owner';
      await this.users.delete(tx, userId);
      return 'deleted';
    });
  }

  listEmails(userId: string): Promise<EmailAddressEntity[]> {
    return this.emails.listOf(userId);
  }

  findEmail(userId: string, email: string): Promise<EmailAddressEntity | null> {
    return this.emails.findOfUser(userId, email);
  }

  findEmailById(id: string): Promise<EmailAddressEntity | null> {
    if (!/^\d{1,18}$/.test(id)) return Promise.resolve(null);
    return this.emails.findById(id);
  }

  /** Adds an unverified address; null when this user has it already or someone verified it. */
  async addEmail(userId: string, email: string): Promise<EmailAddressEntity | null> {
    if (await this.emails.isVerifiedByAnyone(email)) return null;
    try {
      return await this.emails.insert({ userId, email });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** Marks an address verified; false when another account verified the same address first. */
  async verifyEmail(emailAddressId: string): Promise<boolean> {
    try {
      await this.emails.markVerified(emailAddressId);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Makes a verified address the primary one (and the user's login e-mail). */
  async setPrimaryEmail(userId: string, email: string): Promise<EmailAddressEntity | null> {
    const address = await this.emails.findOfUser(userId, email);
    if (!address?.isVerified) return null;
    try {
      await this.transactions.run(async (tx) => {
        await this.emails.makePrimary(tx, userId, address.id);
        await this.users.setEmail(tx, userId, address.email);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return { ...address, isPrimary: true };
  }

  /** Removes a secondary address; false when it is unknown or primary. */
  deleteEmail(userId: string, email: string): Promise<boolean> {
    return this.emails.deleteSecondary(userId, email);
  }

  listTokens(
    userId: string,
    offset: number,
    limit: number,
  ): Promise<{ tokens: ApiTokenEntity[]; total: number }> {
    return this.tokens.pageOf(userId, offset, limit);
  }

  /** A new API token: the plaintext is returned once and only its hash is kept. */
  async createToken(
    userId: string,
    label: string,
    scopes: number,
  ): Promise<{ token: string; entity: ApiTokenEntity }> {
    const token = generateApiToken();
    const entity = await this.tokens.insert({
      userId,
      label,
      scopes,
      tokenHash: hashApiToken(token),
      tokenHint: token.slice(0, 6),
    });
    return { token, entity };
  }

  async deleteToken(userId: string, tokenId: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(tokenId)) return false;
    return this.tokens.deleteOfUser(userId, tokenId);
  }

  /** A unique organization slug, or a unique team slug (within an organization, or across all of them). */
  async uniqueSlug(
    table: 'organizations' | 'teams',
    base: string,
    organizationId: string | null,
    tx?: Tx,
  ): Promise<string> {
    const slug = table === 'organizations' ? organizationSlug(base) : slugify(base);
    for (let n = 0; ; n++) {
      const candidate = n === 0 ? slug : `${slug}-${n}`;
      const taken =
        table === 'organizations'
          ? await this.organizations.slugExists(candidate, tx)
          : await this.teams.slugExists(candidate, organizationId, tx);
      if (!taken) return candidate;
    }
  }

  /** Creates an organization owned by `userId`. */
  async createOrganization(name: string, userId: string, tx?: Tx): Promise<OrganizationEntity> {
    if (!tx) return this.transactions.run((t) => this.createOrganization(name, userId, t));
    const slug = await this.uniqueSlug('organizations', name, null, tx);
    const organization = await this.organizations.insert(tx, name, slug);
    await this.members.insert(
      { organizationId: organization.id, userId, role: OrganizationRole.Owner, isOwner: true },
      tx,
    );
    return organization;
  }

  findOrganizationOwnedBy(name: string, userId: string, tx?: Tx): Promise<OrganizationEntity | null> {
    return this.organizations.findOfMemberByNameOrSlug(name, slugify(name), userId, tx);
  }

  membership(organizationId: string, userId: string, tx?: Tx): Promise<OrganizationUserEntity | null> {
    return this.members.findOfUser(organizationId, userId, tx);
  }

  /** The id of the organization's team with exactly this slug. */
  findTeamId(organizationId: string, slug: string, tx?: Tx): Promise<string | null> {
    return this.teams.idBySlug(organizationId, slug, tx);
  }

  /** An API token derived from the instance secret: the same call returns the same token. */
  async ensureDerivedToken(
    userId: string,
    label: string,
    scopes: number,
    secretKey: string,
    tx?: Tx,
  ): Promise<string> {
    const token = deriveApiToken(secretKey, `bootstrap-token:${userId}:${label}`);
    await this.tokens.upsertScopes(
      { userId, label, scopes, tokenHash: hashApiToken(token), tokenHint: token.slice(0, 6) },
      tx,
    );
    return token;
  }

  findTokenById(id: string): Promise<ApiTokenEntity | null> {
    return this.tokens.findById(id);
  }

  /** Resolves a Bearer token to its user and scopes. */
  async findToken(token: string): Promise<{ token: ApiTokenEntity; user: UserEntity } | null> {
    if (!/^[0-9a-f]{64}$/i.test(token)) return null;
    const apiToken = await this.tokens.findByHash(hashApiToken(token.toLowerCase()));
    if (!apiToken) return null;
    const user = await this.users.findActiveById(apiToken.userId);
    return user ? { token: apiToken, user } : null;
  }
}
