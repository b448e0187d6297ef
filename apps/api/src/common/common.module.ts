import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { EventsModule } from '@app/events';
import { IssuesModule } from '@app/issues';
import { OrganizationsModule } from '@app/organizations';
import { ProjectsModule } from '@app/projects';
import { ApiAuthGuard } from '../auth/auth.guard';
import { BearerStrategy } from '../auth/bearer.strategy';
import { AccessService } from './access.service';

/** What every REST feature module needs: authentication, tenant-scoped lookups and the domain libs. */
@Module({
  imports: [PassportModule, OrganizationsModule, ProjectsModule, IssuesModule, EventsModule],
  providers: [AccessService, BearerStrategy, ApiAuthGuard],
  exports: [
    AccessService,
    ApiAuthGuard,
    PassportModule,
    OrganizationsModule,
    ProjectsModule,
    IssuesModule,
    EventsModule,
  ],
})
export class CommonModule {}
