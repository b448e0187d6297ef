import { Module } from '@nestjs/common';
import { AlertsModule } from '@app/alerts';
import { ProjectKeyCacheModule } from '@app/projects';
import { AuthModule } from '../auth/auth.module';
import { CommonModule } from '../common/common.module';
import { SettingsController } from '../root/settings.controller';
import { AcceptInviteController } from './accept-invite.controller';
import { AlertsController } from './alerts.controller';
import { ApiTokensController } from './api-tokens.controller';
import { MembersController } from './members.controller';
import { OrganizationDetails, OrganizationsController } from './organizations.controller';
import { ProjectEnvironmentsController } from './project-environments.controller';
import { ProjectKeysController } from './project-keys.controller';
import { ProjectTeamsController } from './project-teams.controller';
import { ProjectsController } from './projects.controller';
import { TeamsController } from './teams.controller';
import { UsersController } from './users.controller';

/** Accounts, organizations, teams, projects, keys, members and tokens: the admin API. */
@Module({
  imports: [CommonModule, AuthModule, ProjectKeyCacheModule, AlertsModule],
  controllers: [
    SettingsController,
    OrganizationsController,
    MembersController,
    AcceptInviteController,
    TeamsController,
    ProjectsController,
    ProjectTeamsController,
    ProjectKeysController,
    ProjectEnvironmentsController,
    UsersController,
    ApiTokensController,
    AlertsController,
  ],
  providers: [OrganizationDetails],
})
export class AdminModule {}
