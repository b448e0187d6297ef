import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { BooleanField, StringField } from './fields';

@ApiSchema({ name: 'EnvironmentSchema' })
export class EnvironmentDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
}

@ApiSchema({ name: 'EnvironmentProjectSchema' })
export class EnvironmentProjectDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() isHidden: boolean;
}

@ApiSchema({ name: 'EnvironmentProjectIn' })
export class EnvironmentProjectInDto {
  @StringField({ max: 255 }) name: string;
  @BooleanField() isHidden: boolean;
}
