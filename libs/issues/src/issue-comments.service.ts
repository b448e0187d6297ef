import { Injectable } from '@nestjs/common';
import { DirectoryRepository } from '@app/organizations';
import { IssueCommentEntity } from './entities/issue-comment.entity';
import { UserReportEntity } from './entities/user-report.entity';
import { IssueCommentsRepository } from './issue-comments.repository';
import { UserReportsRepository } from './user-reports.repository';

export interface CommentWithAuthor {
  comment: IssueCommentEntity;
  author: { id: string; email: string } | null;
}

/** Comments on issues and the user reports (feedback) attached to them. */
@Injectable()
export class IssueCommentsService {
  constructor(
    private readonly comments: IssueCommentsRepository,
    private readonly userReportsRepository: UserReportsRepository,
    private readonly directory: DirectoryRepository,
  ) {}

  async list(
    issueId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: CommentWithAuthor[]; total: number }> {
    const { items, total } = await this.comments.pageOfIssue(issueId, offset, limit);
    const authorIds = [...new Set(items.map((c) => c.userId).filter((id): id is string => id !== null))];
    const emails = new Map((await this.directory.usersByIds(authorIds)).map((u) => [u.id, u.email]));
    return {
      total,
      items: items.map((comment) => ({
        comment,
        author:
          comment.userId === null ? null : { id: comment.userId, email: emails.get(comment.userId) ?? '' },
      })),
    };
  }

  async find(issueId: string, commentId: string): Promise<IssueCommentEntity | null> {
    if (!/^\d{1,18}$/.test(commentId)) return null;
    return this.comments.find(issueId, commentId);
  }

  create(issueId: string, userId: string, text: string): Promise<IssueCommentEntity> {
    return this.comments.create(issueId, userId, text);
  }

  update(comment: IssueCommentEntity, text: string): Promise<IssueCommentEntity> {
    comment.text = text;
    return this.comments.save(comment);
  }

  remove(comment: IssueCommentEntity): Promise<void> {
    return this.comments.remove(comment.id);
  }

  userReports(
    issueId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: UserReportEntity[]; total: number }> {
    return this.userReportsRepository.pageOfIssue(issueId, offset, limit);
  }

  /** The user report about one event of a project, if any. */
  userReportForEvent(projectId: string, eventId: string): Promise<UserReportEntity | null> {
    return this.userReportsRepository.forEvent(projectId, eventId);
  }
}
