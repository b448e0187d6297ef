import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ProjectKeyEntity } from './entities/project-key.entity';

export type ProjectKeyPatch = Partial<
  Pick<ProjectKeyEntity, 'name' | 'isActive' | 'rateLimitCount' | 'rateLimitWindow'>
>;

/** What ingest needs to know about a DSN key. */
export interface IngestKeyInfo {
  projectId: number;
  organizationId: number;
  keyActive: boolean;
  acceptingEvents: boolean;
  /** Max of the organization's and project's throttle rate, 0-100 (percent of events refused). */
  throttleRate: number;
}

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

  /**
   * The key with its project's and organization's ingest settings, in one query (organizations is read, not
   * written, here: the key cache needs it on every miss). `publicKeyHex` is 32 lowercase hex characters.
   */
  async ingestInfo(projectId: number, publicKeyHex: string): Promise<IngestKeyInfo | null> {
    const rows: Array<{
      project_id: string;
      organization_id: string;
      is_active: boolean;
      is_accepting_events: boolean;
      throttle: number;
    }> = await this.dataSource.query(
      `SELECT p.id AS project_id, p.organization_id, k.is_active, o.is_accepting_events,
              GREATEST(o.event_throttle_rate, p.event_throttle_rate) AS throttle
         FROM project_keys k JOIN projects p ON p.id = k.project_id JOIN organizations o ON o.id = p.organization_id
        WHERE k.public_key = $1::uuid AND k.project_id = $2`,
      [publicKeyHex, projectId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      projectId: Number(row.project_id),
      organizationId: Number(row.organization_id),
      keyActive: row.is_active,
      acceptingEvents: row.is_accepting_events,
      throttleRate: Number(row.throttle),
    };
  }
}
