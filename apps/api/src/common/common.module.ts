import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { EventsModule } from '@app/events';
import { IssuesModule } from '@app/issues';
import { OrganizationsModule } from '@app/organizations';
import { ProjectsModule } from '@app/projects';
import { ApiAuthGuard } from '../auth/auth.guard';
import { BearerStrategy } from '../auth/bearer.strategy';
import { TenantAccessService } from './tenant-access.service';
import { TenantGuard } from './tenant.guard';

/** What every REST feature module needs: authentication, tenant-scoped lookups and the domain libs. */
@Module({
  imports: [PassportModule, OrganizationsModule, ProjectsModule, IssuesModule, EventsModule],
  providers: [TenantAccessService, TenantGuard, BearerStrategy, ApiAuthGuard],
  exports: [
    TenantAccessService,
    TenantGuard,
    ApiAuthGuard,
    PassportModule,
    OrganizationsModule,
    ProjectsModule,
    IssuesModule,
    EventsModule,
  ],
})
export class CommonModule {}
