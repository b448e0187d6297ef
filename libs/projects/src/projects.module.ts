import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProjectKeyEntity } from './entities/project-key.entity';
import { ProjectEntity } from './entities/project.entity';
import { ProjectKeyCache } from './project-key-cache';
import { ProjectsService } from './projects.service';

@Module({
  imports: [TypeOrmModule.forFeature([ProjectEntity, ProjectKeyEntity])],
  providers: [ProjectsService],
  exports: [ProjectsService, TypeOrmModule],
})
export class ProjectsModule {}

/** The ingest-side key cache; only the api process needs it. */
@Module({
  imports: [ProjectsModule],
  providers: [ProjectKeyCache],
  exports: [ProjectKeyCache],
})
export class ProjectKeyCacheModule {}
