import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProjectKeyEntity } from './entities/project-key.entity';
import { ProjectEntity } from './entities/project.entity';
import { ProjectKeyCache } from './project-key-cache';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

@Module({
  imports: [TypeOrmModule.forFeature([ProjectEntity, ProjectKeyEntity])],
  providers: [ProjectsService, ProjectsRepository],
  exports: [ProjectsService, ProjectsRepository, TypeOrmModule],
})
export class ProjectsModule {}

/** The ingest-side key cache; only the api process needs it. */
@Module({
  imports: [ProjectsModule],
  providers: [ProjectKeyCache],
  exports: [ProjectKeyCache],
})
export class ProjectKeyCacheModule {}
