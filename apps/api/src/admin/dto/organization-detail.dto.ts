import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { OrganizationDto } from './organization.dto';
import { ProjectTeamDto } from './project.dto';
import { TeamDto } from './team.dto';

@ApiSchema({ name: 'OrganizationDetailSchema' })
export class OrganizationDetailDto extends OrganizationDto {
  @ApiProperty({ type: [ProjectTeamDto] }) projects: ProjectTeamDto[];
  @ApiProperty({ type: [TeamDto] }) teams: TeamDto[];
  @ApiProperty({
    type: [String],
    description: 'Scopes of the caller’s role',
    example: ['org:read', 'project:read'],
  })
  access: string[];
  @ApiProperty() openMembership: boolean;
}
