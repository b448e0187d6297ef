import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsService } from './accounts.service';
import { ApiTokensRepository } from './api-tokens.repository';
import { DirectoryRepository } from './directory.repository';
import { EmailAddressesRepository } from './email-addresses.repository';
import { ApiTokenEntity } from './entities/api-token.entity';
import { EmailAddressEntity } from './entities/email-address.entity';
import { OrganizationUserEntity } from './entities/organization-user.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { TeamEntity } from './entities/team.entity';
import { UserSessionEntity } from './entities/user-session.entity';
import { UserEntity } from './entities/user.entity';
import { MembersRepository } from './members.repository';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { TeamsRepository } from './teams.repository';
import { UsersRepository } from './users.repository';

const REPOSITORIES = [
  UsersRepository,
  EmailAddressesRepository,
  ApiTokensRepository,
  SessionsRepository,
  OrganizationsRepository,
  MembersRepository,
  TeamsRepository,
  DirectoryRepository,
];

@Module({
  imports: [
    TypeOrmModule.forFeature([
      UserEntity,
      OrganizationEntity,
      OrganizationUserEntity,
      TeamEntity,
      ApiTokenEntity,
      EmailAddressEntity,
      UserSessionEntity,
    ]),
  ],
  providers: [AccountsService, OrganizationsService, SessionsService, ...REPOSITORIES],
  exports: [AccountsService, OrganizationsService, SessionsService, ...REPOSITORIES, TypeOrmModule],
})
export class OrganizationsModule {}
