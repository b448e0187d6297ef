import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { StringField } from './fields';
import { ProjectDto, SLUG_PATTERN } from './project.dto';

@ApiSchema({ name: 'TeamSchema' })
export class TeamDto {
  @ApiProperty({ example: '1' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty({ format: 'date-time' }) dateCreated: string;
  @ApiProperty() isMember: boolean;
  @ApiProperty() memberCount: number;
}

@ApiSchema({ name: 'TeamProjectSchema' })
export class TeamProjectDto extends TeamDto {
  @ApiProperty({ type: [ProjectDto] }) projects: ProjectDto[];
}

@ApiSchema({ name: 'TeamIn' })
export class TeamInDto {
  @StringField({ max: 50, pattern: SLUG_PATTERN, example: 'backend-team' }) slug: string;
}
