import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '@app/events';
import { OrganizationsModule } from '@app/organizations';
import { ProjectKeyEntity } from './entities/project-key.entity';
import { ProjectEntity } from './entities/project.entity';
import { EnvironmentsRepository } from './environments.repository';
import { ProjectKeyCache } from './project-key-cache';
import { ProjectKeyInvalidation } from './project-key-invalidation';
import { ProjectKeysRepository } from './project-keys.repository';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';
import { ReleasesRepository } from './releases.repository';
import { UserProjectAlertsRepository } from './user-project-alerts.repository';

const REPOSITORIES = [
  ProjectsRepository,
  ProjectKeysRepository,
  EnvironmentsRepository,
  ReleasesRepository,
  UserProjectAlertsRepository,
];

@Module({
  imports: [TypeOrmModule.forFeature([ProjectEntity, ProjectKeyEntity]), OrganizationsModule, EventsModule],
  providers: [ProjectsService, ProjectKeyInvalidation, ...REPOSITORIES],
  exports: [ProjectsService, ProjectKeyInvalidation, ...REPOSITORIES, TypeOrmModule],
})
export class ProjectsModule {}

/** The ingest-side key cache; only the api process needs it. */
@Module({
  imports: [ProjectsModule],
  providers: [ProjectKeyCache],
  exports: [ProjectKeyCache],
})
export class ProjectKeyCacheModule {}
