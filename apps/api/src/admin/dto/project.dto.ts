import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IntField, StringField } from './fields';
import { OrganizationDto } from './organization.dto';

export const SLUG_PATTERN = /^[-a-zA-Z0-9_]+$/;

@ApiSchema({ name: 'TeamSlugSchema' })
export class TeamSlugDto {
  @ApiProperty({ example: '1' }) id: string;
  @ApiProperty() slug: string;
}

@ApiSchema({ name: 'ProjectSchema' })
export class ProjectDto {
  @ApiProperty({ example: '1' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiPropertyOptional({ nullable: true, type: String }) platform: string | null;
  @ApiProperty({ format: 'date-time' }) dateCreated: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) firstEvent: string | null;
  @ApiProperty() eventThrottleRate: number;
  @ApiProperty({ type: Object }) avatar: Record<string, string | null>;
  @ApiProperty() color: string;
  @ApiProperty({ type: [String] }) features: string[];
  @ApiProperty() hasAccess: boolean;
  @ApiProperty() isBookmarked: boolean;
  @ApiProperty() isInternal: boolean;
  @ApiProperty({ description: 'The caller is in one of the project’s teams' }) isMember: boolean;
  @ApiProperty() isPublic: boolean;
  @ApiProperty() scrubIPAddresses: boolean;
}

@ApiSchema({ name: 'ProjectTeamSchema' })
export class ProjectTeamDto extends ProjectDto {
  @ApiProperty({ type: [TeamSlugDto] }) teams: TeamSlugDto[];
}

@ApiSchema({ name: 'ProjectOrganizationSchema' })
export class ProjectOrganizationDto extends ProjectDto {
  @ApiProperty({ type: OrganizationDto }) organization: OrganizationDto;
}

@ApiSchema({ name: 'ProjectIn' })
export class CreateProjectDto {
  @StringField({ min: 1, max: 64, example: 'Backend' }) name: string;
  @StringField({
    nullable: true,
    max: 50,
    pattern: SLUG_PATTERN,
    description: 'Derived from the name when absent',
  })
  slug?: string | null;
  @StringField({ nullable: true, max: 64, example: 'python' }) platform?: string | null;
  @IntField({ nullable: true, min: 0, max: 100, description: 'Percent of events refused' })
  eventThrottleRate?: number | null;
}

@ApiSchema({ name: 'ProjectUpdateIn' })
export class UpdateProjectDto {
  @StringField({ optional: true, min: 1, max: 64 }) name?: string;
  @StringField({ optional: true, max: 50, pattern: SLUG_PATTERN }) slug?: string;
  @StringField({ nullable: true, max: 64 }) platform?: string | null;
  @IntField({ optional: true, min: 0, max: 100 }) eventThrottleRate?: number;
}
