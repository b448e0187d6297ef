export * from './entities/issue.entity';
export * from './entities/issue-hash.entity';
export * from './grouping';
export * from './issues.module';
