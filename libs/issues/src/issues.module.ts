import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '@app/events';
import { OrganizationsModule } from '@app/organizations';
import { ProjectsModule } from '@app/projects';
import { IssueCommentEntity } from './entities/issue-comment.entity';
import { IssueHashEntity } from './entities/issue-hash.entity';
import { IssueEntity } from './entities/issue.entity';
import { UserReportEntity } from './entities/user-report.entity';
import { IssueAssignmentService } from './issue-assignment.service';
import { IssueCommentsRepository } from './issue-comments.repository';
import { IssueCommentsService } from './issue-comments.service';
import { IssueMergeService } from './issue-merge.service';
import { IssuesRepository } from './issues.repository';
import { IssuesService } from './issues.service';
import { UserReportsMaintenance } from './user-reports-maintenance.service';
import { UserReportsRepository } from './user-reports.repository';

@Module({
  imports: [
    TypeOrmModule.forFeature([IssueEntity, IssueHashEntity, IssueCommentEntity, UserReportEntity]),
    EventsModule,
    OrganizationsModule,
    ProjectsModule,
  ],
  providers: [
    IssuesRepository,
    IssueCommentsRepository,
    UserReportsRepository,
    IssuesService,
    IssueCommentsService,
    IssueAssignmentService,
    IssueMergeService,
    UserReportsMaintenance,
  ],
  exports: [
    IssuesRepository,
    UserReportsRepository,
    IssuesService,
    IssueCommentsService,
    IssueAssignmentService,
    IssueMergeService,
    UserReportsMaintenance,
  ],
})
export class IssuesModule {}
