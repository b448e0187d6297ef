import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ProjectKeyEntity } from './entities/project-key.entity';
import { ProjectEntity } from './entities/project.entity';

@Injectable()
export class ProjectsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** Creates a project in an organization, linked to a team, with its first DSN key. */
  async createProject(
    input: { organizationId: string; name: string; slug: string; platform?: string | null; teamId?: string },
    manager?: EntityManager,
  ): Promise<{ project: ProjectEntity; key: ProjectKeyEntity }> {
    const m = this.manager(manager);
    const project = await m.getRepository(ProjectEntity).save({
      organizationId: input.organizationId,
      name: input.name,
      slug: input.slug,
      platform: input.platform ?? null,
    });
    if (input.teamId) {
      await m.query(
        `INSERT INTO project_teams (project_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [project.id, input.teamId],
      );
    }
    const key = await this.createKey(project.id, 'Default', m);
    return { project: await m.getRepository(ProjectEntity).findOneByOrFail({ id: project.id }), key };
  }

  async createKey(projectId: string, name: string, manager?: EntityManager): Promise<ProjectKeyEntity> {
    const repo = this.manager(manager).getRepository(ProjectKeyEntity);
    const saved = await repo.save({ projectId, name, publicKey: randomUUID() });
    return repo.findOneByOrFail({ id: saved.id });
  }

  async findBySlug(
    organizationId: string,
    slugOrName: string,
    manager?: EntityManager,
  ): Promise<ProjectEntity | null> {
    return this.manager(manager)
      .getRepository(ProjectEntity)
      .createQueryBuilder('p')
      .where('p.organization_id = :organizationId AND (p.slug = :slug OR p.name = :slug)', {
        organizationId,
        slug: slugOrName,
      })
      .orderBy('p.id')
      .getOne();
  }

  async firstActiveKey(projectId: string, manager?: EntityManager): Promise<ProjectKeyEntity | null> {
    return this.manager(manager)
      .getRepository(ProjectKeyEntity)
      .findOne({ where: { projectId, isActive: true }, order: { id: 'ASC' } });
  }
}
