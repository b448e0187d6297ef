import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';
import { assigneeKey, IssueAssignmentService, IssueEntity, IssuesService } from '@app/issues';
import { ProjectEntity, ProjectsRepository } from '@app/projects';
import { IssueDto } from './dto/issue.dto';
import { serializeIssue } from './issue.mapper';

/** Turns issues into IssueSchema bodies, with their projects, comment counts and assignees loaded in one go. */
@Injectable()
export class IssueViewsService {
  constructor(
    private readonly issues: IssuesService,
    private readonly assignment: IssueAssignmentService,
    private readonly projects: ProjectsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The issues with these ids, in this order. */
  async byIds(
    ids: string[],
    organizationSlug: string,
    matchingEventId: string | null = null,
  ): Promise<IssueDto[]> {
    const issues = await this.issues.findByIds(ids);
    const byId = new Map(issues.map((i) => [String(i.id), i]));
    return this.serialize(
      ids.map((id) => byId.get(id)).filter((i): i is IssueEntity => !!i),
      organizationSlug,
      matchingEventId,
    );
  }

  async serialize(
    issues: IssueEntity[],
    organizationSlug: string,
    matchingEventId: string | null = null,
    knownProject?: ProjectEntity,
  ): Promise<IssueDto[]> {
    const ids = issues.map((i) => String(i.id));
    const [projects, comments, assignees] = await Promise.all([
      knownProject
        ? Promise.resolve(new Map([[String(knownProject.id), knownProject]]))
        : this.projectsById(issues.map((i) => String(i.projectId))),
      this.issues.commentCounts(ids),
      this.assignment.views(issues),
    ]);
    return issues
      .filter((issue) => projects.has(String(issue.projectId)))
      .map((issue) =>
        serializeIssue(issue, projects.get(String(issue.projectId))!, this.config.domain, organizationSlug, {
          numComments: comments.get(String(issue.id)) ?? 0,
          matchingEventId,
          assignedTo: assignees.get(assigneeKey(issue) ?? '') ?? null,
        }),
      );
  }

  private async projectsById(ids: string[]): Promise<Map<string, ProjectEntity>> {
    const projects = await this.projects.byIds([...new Set(ids)]);
    return new Map(projects.map((p) => [String(p.id), p]));
  }
}
