import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';

/** Accounts, organizations, teams, projects, keys, members and tokens: the admin API. */
@Module({ imports: [CommonModule], controllers: [] })
export class AdminModule {}
