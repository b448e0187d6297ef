import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, DatabaseModule, IngestQueueModule, RedisModule } from '@app/core';
import { IngestOutcomesModule, ingestPendingKey } from '@app/ingest';
import { ProjectKeyCacheModule } from '@app/projects';
import { AdminModule } from './admin/admin.module';
import { CommonModule } from './common/common.module';
import { HealthController } from './health/health.controller';
import { IssuesApiModule } from './issues/issues-api.module';
import { RootController } from './root/root.controller';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(),
        RedisModule,
        IngestQueueModule.forRoot({ pendingKey: ingestPendingKey }),
        ProjectKeyCacheModule,
        IngestOutcomesModule,
        CommonModule,
        AdminModule,
        IssuesApiModule,
      ],
      controllers: [HealthController, RootController],
    };
  }
}
