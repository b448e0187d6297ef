import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IssueHashEntity } from './entities/issue-hash.entity';
import { IssueEntity } from './entities/issue.entity';

@Module({ imports: [TypeOrmModule.forFeature([IssueEntity, IssueHashEntity])], exports: [TypeOrmModule] })
export class IssuesModule {}
