import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { SessionAuthMethod, UserSessionEntity } from './entities/user-session.entity';
import { UserEntity } from './entities/user.entity';
import { SessionsRepository } from './sessions.repository';
import { UsersRepository } from './users.repository';

export interface ResolvedSession {
  session: UserSessionEntity;
  user: UserEntity;
}

function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Browser sessions in PostgreSQL: any api replica resolves any session. The `sessionid` cookie carries 32 random
 * bytes; only their sha256 is stored, so a database dump does not let anyone log in.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly users: UsersRepository,
  ) {}

  /** Starts a session and returns the cookie value. Expired sessions of the same user are swept on the way. */
  async create(
    userId: string,
    methods: SessionAuthMethod[],
    meta: { userAgent: string; ip: string },
    ttlSeconds: number,
  ): Promise<string> {
    const key = randomBytes(32).toString('base64url');
    await this.sessions.deleteExpiredOf(userId);
    await this.sessions.insert({ keyHash: keyHash(key), userId, methods, ...meta, ttlSeconds });
    await this.users.recordLogin(userId);
    return key;
  }

  /** The live session behind a cookie value and its (active) user. */
  async resolve(key: string): Promise<ResolvedSession | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(key)) return null;
    const session = await this.sessions.findLive(keyHash(key));
    if (!session) return null;
    const user = await this.users.findActiveById(session.userId);
    return user ? { session, user } : null;
  }

  destroy(key: string): Promise<void> {
    return this.sessions.deleteByKeyHash(keyHash(key));
  }

  /** Ends every session of a user but the one given (after a password change), or all of them. */
  destroyAllFor(userId: string, keepSessionId?: string): Promise<void> {
    return this.sessions.deleteAllOf(userId, keepSessionId);
  }

  recordMethod(sessionId: string, method: SessionAuthMethod): Promise<void> {
    return this.sessions.appendMethod(sessionId, method);
  }
}
