import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { IssueCommentEntity } from './entities/issue-comment.entity';

/** All SQL on `issue_comments`. */
@Injectable()
export class IssueCommentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(IssueCommentEntity);
  }

  /** One page, newest first, and the issue's comment count. */
  async pageOfIssue(
    issueId: string,
    offset: number,
    limit: number,
  ): Promise<{ items: IssueCommentEntity[]; total: number }> {
    const [items, total] = await this.repo.findAndCount({
      where: { issueId },
      order: { created: 'DESC', id: 'DESC' },
      skip: offset,
      take: limit,
    });
    return { items, total };
  }

  find(issueId: string, commentId: string): Promise<IssueCommentEntity | null> {
    return this.repo.findOneBy({ id: commentId, issueId });
  }

  create(issueId: string, userId: string, text: string): Promise<IssueCommentEntity> {
    return this.repo.save(this.repo.create({ issueId, userId, text }));
  }

  save(comment: IssueCommentEntity): Promise<IssueCommentEntity> {
    return this.repo.save(comment);
  }

  async remove(commentId: string): Promise<void> {
    await this.repo.delete({ id: commentId });
  }

  async moveIssues(m: EntityManager, fromIssueIds: string[], toIssueId: string): Promise<void> {
    await m.query(`UPDATE issue_comments SET issue_id = $1 WHERE issue_id = ANY($2::bigint[])`, [
      toIssueId,
      fromIssueIds,
    ]);
  }

  /** Comment counts per issue. */
  async countsByIssue(issueIds: string[]): Promise<Map<string, number>> {
    if (issueIds.length === 0) return new Map();
    const rows: Array<{ issue_id: string; n: string }> = await this.dataSource.query(
      `SELECT issue_id, count(*) AS n FROM issue_comments WHERE issue_id = ANY($1::bigint[]) GROUP BY issue_id`,
      [issueIds],
    );
    return new Map(rows.map((r) => [String(r.issue_id), Number(r.n)]));
  }
}
