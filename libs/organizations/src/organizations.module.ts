import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsService } from './accounts.service';
import { ApiTokenEntity } from './entities/api-token.entity';
import { OrganizationUserEntity } from './entities/organization-user.entity';
import { OrganizationEntity } from './entities/organization.entity';
import { TeamEntity } from './entities/team.entity';
import { UserEntity } from './entities/user.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      UserEntity,
      OrganizationEntity,
      OrganizationUserEntity,
      TeamEntity,
      ApiTokenEntity,
    ]),
  ],
  providers: [AccountsService],
  exports: [AccountsService, TypeOrmModule],
})
export class OrganizationsModule {}
