import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ApiTokenEntity } from './entities/api-token.entity';

/** All SQL on `api_tokens` (only hashes of tokens are stored). */
@Injectable()
export class ApiTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get tokens() {
    return this.dataSource.getRepository(ApiTokenEntity);
  }

  /** One page of a user's tokens, newest first, and how many there are. */
  async pageOf(
    userId: string,
    offset: number,
    limit: number,
  ): Promise<{ tokens: ApiTokenEntity[]; total: number }> {
    const [tokens, total] = await this.tokens.findAndCount({
      where: { userId },
      order: { created: 'DESC', id: 'DESC' },
      skip: offset,
      take: limit,
    });
    return { tokens, total };
  }

  async insert(input: {
    userId: string;
    label: string;
    scopes: number;
    tokenHash: string;
    tokenHint: string;
  }): Promise<ApiTokenEntity> {
    const saved = await this.tokens.save(input);
    return this.tokens.findOneByOrFail({ id: saved.id });
  }

  /** Inserts the token, or, when its hash is stored already, updates its scopes. */
  async upsertScopes(
    input: { userId: string; label: string; scopes: number; tokenHash: string; tokenHint: string },
    m?: EntityManager,
  ): Promise<void> {
    await (m ?? this.dataSource.manager).query(
      `INSERT INTO api_tokens (user_id, token_hash, label, scopes, token_hint) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (token_hash) DO UPDATE SET scopes = EXCLUDED.scopes`,
      [input.userId, input.tokenHash, input.label, input.scopes, input.tokenHint],
    );
  }

  findById(id: string): Promise<ApiTokenEntity | null> {
    return this.tokens.findOneBy({ id });
  }

  findByHash(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.tokens.findOneBy({ tokenHash });
  }

  /** Deletes a token of this user; false when the user has no such token. */
  async deleteOfUser(userId: string, tokenId: string): Promise<boolean> {
    const result = await this.tokens.delete({ id: tokenId, userId });
    return (result.affected ?? 0) > 0;
  }
}
