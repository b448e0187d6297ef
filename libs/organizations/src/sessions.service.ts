import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SessionAuthMethod, UserSessionEntity } from './entities/user-session.entity';
import { UserEntity } from './entities/user.entity';

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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Starts a session and returns the cookie value. Expired sessions of the same user are swept on the way. */
  async create(
    userId: string,
    methods: SessionAuthMethod[],
    meta: { userAgent: string; ip: string },
    ttlSeconds: number,
  ): Promise<string> {
    const key = randomBytes(32).toString('base64url');
    await this.dataSource.query(`DELETE FROM user_sessions WHERE user_id = $1 AND expires < now()`, [userId]);
    await this.dataSource.query(
      `INSERT INTO user_sessions (key_hash, user_id, methods, user_agent, ip, expires)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [
        keyHash(key),
        userId,
        JSON.stringify(methods),
        meta.userAgent.slice(0, 512),
        meta.ip.slice(0, 64),
        ttlSeconds,
      ],
    );
    await this.dataSource.query(`UPDATE users SET last_login = now() WHERE id = $1`, [userId]);
    return key;
  }

  /** The live session behind a cookie value and its (active) user, in one query. */
  async resolve(key: string): Promise<ResolvedSession | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(key)) return null;
    const session = await this.dataSource
      .getRepository(UserSessionEntity)
      .createQueryBuilder('s')
      .where('s.key_hash = :hash AND s.expires > now()', { hash: keyHash(key) })
      .getOne();
    if (!session) return null;
    const user = await this.dataSource
      .getRepository(UserEntity)
      .findOneBy({ id: session.userId, isActive: true });
    return user ? { session, user } : null;
  }

  async destroy(key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM user_sessions WHERE key_hash = $1`, [keyHash(key)]);
  }

  /** Ends every session of a user but the one given (after a password change), or all of them. */
  async destroyAllFor(userId: string, keepSessionId?: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM user_sessions WHERE user_id = $1 AND ($2::bigint IS NULL OR id <> $2::bigint)`,
      [userId, keepSessionId ?? null],
    );
  }

  async recordMethod(sessionId: string, method: SessionAuthMethod): Promise<void> {
    await this.dataSource.query(`UPDATE user_sessions SET methods = methods || $2::jsonb WHERE id = $1`, [
      sessionId,
      JSON.stringify([method]),
    ]);
  }
}
