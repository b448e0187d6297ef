export * from './dsn';
export * from './entities/project-key.entity';
export * from './entities/project.entity';
export * from './project-key-cache';
export * from './projects.module';
export * from './projects.repository';
export * from './projects.service';
