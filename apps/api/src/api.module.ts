import { DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AppConfig, ConfigModule, DatabaseModule, IngestQueueModule, RedisModule } from '@app/core';
import { EventsModule } from '@app/events';
import { IssuesModule } from '@app/issues';
import { OrganizationsModule } from '@app/organizations';
import { ProjectKeyCacheModule, ProjectsModule } from '@app/projects';
import { ApiAuthGuard } from './auth/auth.guard';
import { BearerStrategy } from './auth/bearer.strategy';
import { AccessService } from './common/access.service';
import { HealthController } from './health/health.controller';
import { IssuesController } from './issues/issues.controller';
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
        IngestQueueModule.forRoot(),
        PassportModule,
        OrganizationsModule,
        ProjectsModule,
        ProjectKeyCacheModule,
        IssuesModule,
        EventsModule,
      ],
      controllers: [HealthController, RootController, IssuesController],
      providers: [AccessService, BearerStrategy, ApiAuthGuard],
    };
  }
}
