import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { IssuesController } from './issues.controller';

/** Issues and events: the triage API. */
@Module({ imports: [CommonModule], controllers: [IssuesController] })
export class IssuesApiModule {}
