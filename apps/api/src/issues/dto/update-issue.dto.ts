import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

@ApiSchema({ name: 'UpdateIssueSchema' })
export class UpdateIssueDto {
  @ApiPropertyOptional({ enum: ['unresolved', 'resolved', 'ignored'] })
  @IsOptional()
  @IsIn(['unresolved', 'resolved', 'ignored'])
  status?: 'unresolved' | 'resolved' | 'ignored';

  @ApiPropertyOptional({
    type: Object,
    description:
      'With `resolved`: `{"inNextRelease": true}` (or `{"inRelease": "<version>"}`) keeps the issue resolved for ' +
      'events of the release current now and events without a release; another release reopens it.',
    example: { inNextRelease: true },
  })
  @IsOptional()
  @IsObject()
  statusDetails?: Record<string, unknown>;

  @ApiPropertyOptional({ description: '1 merges the selected issues into the one with the highest id' })
  @IsOptional()
  @IsInt()
  merge?: number;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description:
      'Assigns the issues to a member of their organization (`user:<id>`, the email, or the id) or to one of its ' +
      'teams (`team:<id>`, `team:<slug>` or `#<slug>`); `null` or `""` unassigns.',
    example: 'user:1',
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  assignedTo?: string | null;
}
