import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MIGRATIONS } from './migrations';

@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            type: 'postgres' as const,
            url: config.databaseUrl,
            autoLoadEntities: true,
            synchronize: false,
            migrations: MIGRATIONS,
            migrationsRun: false,
            extra: { max: 10, application_name: `glitchtip-${config.role}` },
            logging: ['error' as const],
          }),
        }),
      ],
    };
  }
}
