import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { embeddedDatabaseUrl } from './embedded-postgres';
import { MIGRATIONS } from './migrations';
import { Transactions } from './transactions';

/**
 * TypeORM on `pg`. Without DATABASE_URL it connects to the embedded PostgreSQL the process opened (see
 * `EmbeddedPostgres`), through the same driver; that server runs one statement at a time, so a small pool is
 * enough.
 */
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [Transactions],
      exports: [Transactions],
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            type: 'postgres' as const,
            url: config.databaseUrl ?? embeddedDatabaseUrl(config.dataDir),
            autoLoadEntities: true,
            synchronize: false,
            migrations: MIGRATIONS,
            migrationsRun: false,
            extra: { max: config.databaseUrl ? 10 : 4, application_name: `glitchtip-${config.role}` },
            logging: ['error' as const],
          }),
        }),
      ],
    };
  }
}
