import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IssueCommentEntity } from './entities/issue-comment.entity';
import { UserReportEntity } from './entities/user-report.entity';

export interface CommentWithAuthor {
  comment: IssueCommentEntity;
  author: { id: string; email: string } | null;
}

/** Comments on issues and the user reports (feedback) attached to them. */
@Injectable()
export class IssueCommentsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(
    issueId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: CommentWithAuthor[]; total: number }> {
    const rows: Array<{
      id: string;
      issue_id: string;
      user_id: string | null;
      text: string;
      created: Date;
      email: string | null;
      total: string;
    }> = await this.dataSource.query(
      `SELECT c.id, c.issue_id, c.user_id, c.text, c.created, u.email, count(*) OVER () AS total
           FROM issue_comments c LEFT JOIN users u ON u.id = c.user_id
          WHERE c.issue_id = $1 ORDER BY c.created DESC, c.id DESC OFFSET $2 LIMIT $3`,
      [issueId, offset, limit],
    );
    let total = Number(rows[0]?.total ?? 0);
    if (rows.length === 0 && offset > 0) {
      const counted: Array<{ n: string }> = await this.dataSource.query(
        `SELECT count(*) AS n FROM issue_comments WHERE issue_id = $1`,
        [issueId],
      );
      total = Number(counted[0]?.n ?? 0);
    }
    return {
      total,
      items: rows.map((r) => ({
        comment: Object.assign(new IssueCommentEntity(), {
          id: String(r.id),
          issueId: String(r.issue_id),
          userId: r.user_id === null ? null : String(r.user_id),
          text: r.text,
          created: r.created,
        }),
        author: r.user_id === null ? null : { id: String(r.user_id), email: r.email ?? '' },
      })),
    };
  }

  async find(issueId: string, commentId: string): Promise<IssueCommentEntity | null> {
    if (!/^\d{1,18}$/.test(commentId)) return null;
    return this.dataSource.getRepository(IssueCommentEntity).findOneBy({ id: commentId, issueId });
  }

  create(issueId: string, userId: string, text: string): Promise<IssueCommentEntity> {
    const repo = this.dataSource.getRepository(IssueCommentEntity);
    return repo.save(repo.create({ issueId, userId, text }));
  }

  async update(comment: IssueCommentEntity, text: string): Promise<IssueCommentEntity> {
    comment.text = text;
    return this.dataSource.getRepository(IssueCommentEntity).save(comment);
  }

  async remove(comment: IssueCommentEntity): Promise<void> {
    await this.dataSource.getRepository(IssueCommentEntity).delete({ id: comment.id });
  }

  async userReports(
    issueId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: UserReportEntity[]; total: number }> {
    const [items, total] = await this.dataSource.getRepository(UserReportEntity).findAndCount({
      where: { issueId },
      order: { created: 'DESC', id: 'DESC' },
      skip: offset,
      take: limit,
    });
    return { items, total };
  }

  /** The user report about one event of a project, if any. */
  userReportForEvent(projectId: string, eventId: string): Promise<UserReportEntity | null> {
    return this.dataSource.getRepository(UserReportEntity).findOneBy({ projectId, eventId });
  }
}
