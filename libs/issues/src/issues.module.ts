import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IssueCommentEntity } from './entities/issue-comment.entity';
import { IssueHashEntity } from './entities/issue-hash.entity';
import { IssueEntity } from './entities/issue.entity';
import { UserReportEntity } from './entities/user-report.entity';
import { IssueCommentsService } from './issue-comments.service';
import { IssuesService } from './issues.service';

@Module({
  imports: [TypeOrmModule.forFeature([IssueEntity, IssueHashEntity, IssueCommentEntity, UserReportEntity])],
  providers: [IssuesService, IssueCommentsService],
  exports: [TypeOrmModule, IssuesService, IssueCommentsService],
})
export class IssuesModule {}
