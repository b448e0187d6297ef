import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import {
  EventJsonRedirectController,
  IssueEventsController,
  OrganizationIssueEventsController,
  ProjectEventsController,
} from '../events/events.controller';
import { IssueCommentsController, OrganizationIssueCommentsController } from './issue-comments.controller';
import { IssueDetailController, OrganizationIssueDetailController } from './issue-detail.controller';
import { IssueViewsService } from './issue-views.service';
import { IssuesController } from './issues.controller';

/** Issues and events: the triage API. Per-issue controllers come twice: `/issues/{id}/` and the org-scoped twin. */
@Module({
  imports: [CommonModule],
  providers: [IssueViewsService],
  controllers: [
    IssuesController,
    IssueDetailController,
    OrganizationIssueDetailController,
    IssueCommentsController,
    OrganizationIssueCommentsController,
    IssueEventsController,
    OrganizationIssueEventsController,
    ProjectEventsController,
    EventJsonRedirectController,
  ],
})
export class IssuesApiModule {}
