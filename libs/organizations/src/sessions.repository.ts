import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SessionAuthMethod, UserSessionEntity } from './entities/user-session.entity';

/** All SQL on `user_sessions` (rows are found by the sha256 of the cookie value). */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async deleteExpiredOf(userId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM user_sessions WHERE user_id = $1 AND expires < now()`, [userId]);
  }

  /** A session that expires `ttlSeconds` from now (user agent and IP cut to their column sizes). */
  async insert(input: {
    keyHash: string;
    userId: string;
    methods: SessionAuthMethod[];
    userAgent: string;
    ip: string;
    ttlSeconds: number;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO user_sessions (key_hash, user_id, methods, user_agent, ip, expires)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [
        input.keyHash,
        input.userId,
        JSON.stringify(input.methods),
        input.userAgent.slice(0, 512),
        input.ip.slice(0, 64),
        input.ttlSeconds,
      ],
    );
  }

  /** The session with this key hash, unless it has expired. */
  findLive(keyHash: string): Promise<UserSessionEntity | null> {
    return this.dataSource
      .getRepository(UserSessionEntity)
      .createQueryBuilder('s')
      .where('s.key_hash = :keyHash AND s.expires > now()', { keyHash })
      .getOne();
  }

  async deleteByKeyHash(keyHash: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM user_sessions WHERE key_hash = $1`, [keyHash]);
  }

  /** Deletes every session of the user except `keepSessionId` (all of them without it). */
  async deleteAllOf(userId: string, keepSessionId?: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM user_sessions WHERE user_id = $1 AND ($2::bigint IS NULL OR id <> $2::bigint)`,
      [userId, keepSessionId ?? null],
    );
  }

  /** Appends an authentication method to the session's list. */
  async appendMethod(sessionId: string, method: SessionAuthMethod): Promise<void> {
    await this.dataSource.query(`UPDATE user_sessions SET methods = methods || $2::jsonb WHERE id = $1`, [
      sessionId,
      JSON.stringify([method]),
    ]);
  }
}
