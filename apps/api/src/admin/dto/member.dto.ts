import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ROLE_IDS, RoleId } from '@app/organizations';
import { BooleanField, EmailField, EnumField, NestedField, StringField } from './fields';
import { OrganizationDto } from './organization.dto';
import { UserDto } from './user.dto';

@ApiSchema({ name: 'OrganizationUserSchema' })
export class OrganizationUserDto {
  @ApiProperty({ example: '1' }) id: string;
  @ApiProperty({ enum: ROLE_IDS }) role: RoleId;
  @ApiProperty({ example: 'Owner' }) roleName: string;
  @ApiProperty({ format: 'date-time' }) dateCreated: string;
  @ApiProperty() email: string;
  @ApiPropertyOptional({ type: UserDto, nullable: true }) user: UserDto | null;
  @ApiProperty({ description: 'An invitation not yet accepted' }) pending: boolean;
  @ApiProperty({ description: 'The primary owner' }) isOwner: boolean;
}

@ApiSchema({ name: 'OrganizationUserInvitedSchema' })
export class InvitedMemberDto extends OrganizationUserDto {
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The accept link, also e-mailed when sendInvite is true',
  })
  inviteLink: string | null;
}

@ApiSchema({ name: 'OrganizationUserDetailSchema' })
export class OrganizationUserDetailDto extends OrganizationUserDto {
  @ApiProperty({ type: [String], description: 'Team slugs' }) teams: string[];
}

@ApiSchema({ name: 'OrganizationUserOrganizationSchema' })
export class OrganizationUserOrganizationDto extends OrganizationUserDto {
  @ApiProperty({ type: OrganizationDto }) organization: OrganizationDto;
}

@ApiSchema({ name: 'TeamRole' })
export class TeamRoleDto {
  @StringField({ max: 50 }) teamSlug: string;
  @StringField({ optional: true, description: 'Ignored, as in GlitchTip' }) role?: string;
}

@ApiSchema({ name: 'OrganizationUserUpdateSchema' })
export class UpdateMemberDto {
  @EnumField(ROLE_IDS) orgRole: RoleId;
  @NestedField(() => TeamRoleDto, {
    optional: true,
    each: true,
    description: 'Ignored on update, as in GlitchTip',
  })
  teamRoles?: TeamRoleDto[];
}

@ApiSchema({ name: 'OrganizationUserIn' })
export class InviteMemberDto {
  @EmailField() email: string;
  @EnumField(ROLE_IDS) orgRole: RoleId;
  @NestedField(() => TeamRoleDto, { optional: true, each: true, description: 'Teams the member joins' })
  teamRoles?: TeamRoleDto[];
  @BooleanField({ optional: true, description: 'E-mail the invitation (default true)' }) sendInvite?: boolean;
  @BooleanField({ optional: true, description: 'Invite again when already invited (default true)' })
  reinvite?: boolean;
}

@ApiSchema({ name: 'AcceptInviteIn' })
export class AcceptInviteInDto {
  @BooleanField() acceptInvite: boolean;
}

@ApiSchema({ name: 'AcceptInviteSchema' })
export class AcceptInviteDto {
  @ApiProperty() acceptInvite: boolean;
  @ApiProperty({ type: OrganizationUserOrganizationDto }) orgUser: OrganizationUserOrganizationDto;
}
