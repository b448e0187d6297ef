import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ProjectKeyEntity } from './entities/project-key.entity';

export type ProjectKeyPatch = Partial<
  Pick<ProjectKeyEntity, 'name' | 'isActive' | 'rateLimitCount' | 'rateLimitWindow'>
>;

/** All SQL on `project_keys` (DSN keys). Methods with an optional `m` run in that transaction when one is given. */
@Injectable()
export class ProjectKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private keys(m?: EntityManager) {
    return (m ?? this.dataSource.manager).getRepository(ProjectKeyEntity);
  }

  /** Inserts a key and answers it as stored (with its defaults). */
  async insert(
    input: {
      projectId: string;
      name: string;
      publicKey: string;
      rateLimitCount: number | null;
      rateLimitWindow: number | null;
    },
    m?: EntityManager,
  ): Promise<ProjectKeyEntity> {
    const saved = await this.keys(m).save(input);
    return this.keys(m).findOneByOrFail({ id: saved.id });
  }

  /** The project's oldest active key. */
  firstActive(projectId: string, m?: EntityManager): Promise<ProjectKeyEntity | null> {
    return this.keys(m).findOne({ where: { projectId, isActive: true }, order: { id: 'ASC' } });
  }

  /** One page of the project's keys, oldest first, and how many there are. */
  async pageOf(
    projectId: string,
    page: { offset: number; limit: number },
  ): Promise<{ keys: ProjectKeyEntity[]; total: number }> {
    const [keys, total] = await this.keys().findAndCount({
      where: { projectId },
      order: { created: 'ASC', id: 'ASC' },
      skip: page.offset,
      take: page.limit,
    });
    return { keys, total };
  }

  /** The project's key with this public key, given as 32 lowercase hex digits. */
  findByHex(projectId: string, hex: string): Promise<ProjectKeyEntity | null> {
    return this.keys()
      .createQueryBuilder('k')
      .where('k.project_id = :projectId AND k.public_key = CAST(:hex AS uuid)', { projectId, hex })
      .getOne();
  }

  /** Applies the patch and answers the key as stored. */
  async update(keyId: string, patch: ProjectKeyPatch): Promise<ProjectKeyEntity> {
    if (Object.keys(patch).length) await this.keys().update(keyId, patch);
    return this.keys().findOneByOrFail({ id: keyId });
  }

  async delete(keyId: string): Promise<void> {
    await this.keys().delete({ id: keyId });
  }
}
