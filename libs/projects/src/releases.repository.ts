import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { addNamesToProjects, ProjectNamedItem } from './environments.repository';

/** `releases` and `release_projects`: organization-wide versions, linked to the projects whose events named them. */
@Injectable()
export class ReleasesRepository {
  /** The releases ingest saw in events: created per organization and linked to their projects. */
  addToProjects(m: EntityManager, releases: ProjectNamedItem[]): Promise<void> {
    return addNamesToProjects(m, releases, {
      table: 'releases',
      nameColumn: 'version',
      link: 'release_projects',
      linkColumn: 'release_id',
    });
  }
}
