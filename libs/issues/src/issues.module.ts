import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IssueCommentEntity } from './entities/issue-comment.entity';
import { IssueHashEntity } from './entities/issue-hash.entity';
import { IssueEntity } from './entities/issue.entity';
import { UserReportEntity } from './entities/user-report.entity';
import { IssueAssignmentService } from './issue-assignment.service';
import { IssueCommentsService } from './issue-comments.service';
import { IssuesService } from './issues.service';

@Module({
  imports: [TypeOrmModule.forFeature([IssueEntity, IssueHashEntity, IssueCommentEntity, UserReportEntity])],
  providers: [IssuesService, IssueCommentsService, IssueAssignmentService],
  exports: [TypeOrmModule, IssuesService, IssueCommentsService, IssueAssignmentService],
})
export class IssuesModule {}
