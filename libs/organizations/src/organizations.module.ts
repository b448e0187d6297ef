import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsService } from './accounts.service';
import { DirectoryRepository } from './directory.repository';
import { ApiTokenEntity } from './entities/api-token.entity';
import { EmailAddressEntity } from './entities/email-address.entity';
import { OrganizationUserEntity } from './entities/organization-user.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { TeamEntity } from './entities/team.entity';
import { UserSessionEntity } from './entities/user-session.entity';
import { UserEntity } from './entities/user.entity';
import { OrganizationsService } from './organizations.service';
import { SessionsService } from './sessions.service';

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
  providers: [AccountsService, OrganizationsService, SessionsService, DirectoryRepository],
  exports: [AccountsService, OrganizationsService, SessionsService, DirectoryRepository, TypeOrmModule],
})
export class OrganizationsModule {}
