import { Body, Controller, Delete, Get, Put, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IssueAssignmentService, IssueMergeService, IssueFilter, IssuesService } from '@app/issues';
import { ProjectEntity, ProjectsRepository } from '@app/projects';
import { AuthContext } from '../auth/auth-context';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { MAX_HITS, setPaginationHeaders } from '../common/pagination';
import { notFound } from '../common/tenant-access.service';
import { Resolved, ResolvedTenant, Tenant } from '../common/tenant.guard';
import { GlitchTipValidationPipe, queryError } from '../common/validation.pipe';
import { IssueDto, IssueStatsDto } from './dto/issue.dto';
import { UpdateIssueDto } from './dto/update-issue.dto';
import {
  IssueListRequest,
  IssueSelection,
  IssueSelectionRequest,
  listParam,
  MAX_SEARCH_LENGTH,
  SORT_VALUES,
} from './issue-list-request';
import { applyIssueUpdate } from './issue-update';
import { IssueViewsService } from './issue-views.service';

type AuthedRequest = Request & { user: AuthContext };

const READ = ['event:read', 'event:write', 'event:admin'] as const;
const WRITE = ['event:write', 'event:admin'] as const;
const STATS_LIMIT = 200;
const ORGANIZATION = { organization: 'organizationSlug' } as const;

/** The query parameters the issue lists and bulk actions share, for the OpenAPI document. */
function SelectionQueries(): MethodDecorator {
  const decorators = [
    ApiQuery({
      name: 'query',
      required: false,
      schema: { type: 'string', maxLength: MAX_SEARCH_LENGTH },
      description:
        'Search: `is:unresolved|resolved|ignored`, `level:error`, `has:key`, `key:value` (any tag, also ' +
        '`environment:` and `release:`), `!` negates, `"quoted values"`, free text over title and culprit ' +
        '(`*` wildcard). An event id alone finds its issue (`X-Sentry-Direct-Hit: 1`).',
    }),
    ApiQuery({ name: 'id', required: false, type: [String], description: 'Issue ids (repeat the key)' }),
    ApiQuery({
      name: 'project',
      required: false,
      type: [String],
      description: 'Project ids (repeat the key)',
    }),
    ApiQuery({
      name: 'environment',
      required: false,
      type: [String],
      description: 'Environments (repeat the key)',
    }),
    ApiQuery({
      name: 'start',
      required: false,
      description: 'Last seen at or after: ISO date (years 1970 to 9999), `now`, `now-2h`',
    }),
    ApiQuery({
      name: 'end',
      required: false,
      description: 'First seen at or before: ISO date (years 1970 to 9999), `now`, `now-7d`',
    }),
    ApiQuery({
      name: 'statsPeriod',
      required: false,
      description: 'Instead of start: `24h`, `14d`, ... (`s`, `m`, `h`, `d`, `w`; at most 1970 to 9999)',
    }),
    ApiUnprocessableEntityResponse({
      description:
        'A bad parameter, with its path: `{"detail": [{"type", "loc": ["query", "statsPeriod"], "msg"}]}` ' +
        '(dates outside 1970..9999, too long a period or search, an out-of-range cursor, control characters)',
    }),
  ];
  return (target, key, descriptor) => {
    for (const decorator of decorators) decorator(target, key, descriptor);
  };
}

/** Issue lists, bulk actions and sparkline stats. */
@ApiTags('issues')
@ApiBearerAuth()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0')
export class IssuesController {
  constructor(
    private readonly issues: IssuesService,
    private readonly assignment: IssueAssignmentService,
    private readonly merging: IssueMergeService,
    private readonly projects: ProjectsRepository,
    private readonly views: IssueViewsService,
  ) {}

  /** The organization's projects, narrowed to the requested ids when `project` gave some. */
  private async projectsInScope(
    tenant: ResolvedTenant,
    selection: IssueSelection,
  ): Promise<{ projects: ProjectEntity[]; allProjects: ProjectEntity[] }> {
    const allProjects = await this.projects.ofOrganization(tenant.organization.id);
    const wanted = new Set(selection.projectIds);
    return {
      projects: wanted.size ? allProjects.filter((p) => wanted.has(String(p.id))) : allProjects,
      allProjects,
    };
  }

  @Get('organizations/:organizationSlug/issues')
  @RequireScopes(...READ)
  @Tenant(ORGANIZATION)
  @ApiOperation({ operationId: 'list_issues', summary: "Search an organization's issues" })
  @SelectionQueries()
  @ApiQuery({ name: 'sort', required: false, enum: SORT_VALUES })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ type: [IssueDto], description: 'Paginated (Link, X-Hits, X-Max-Hits)' })
  @ApiResponse({ status: 414, description: 'The query is too long to echo into the Link header' })
  async listOrganizationIssues(
    @Resolved() tenant: ResolvedTenant,
    @Query() request: IssueListRequest,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IssueDto[]> {
    const { projects } = await this.projectsInScope(tenant, request.selection);
    return this.list(
      projects.map((p) => String(p.id)),
      tenant.organization.slug,
      request,
      req,
      res,
    );
  }

  @Get('projects/:organizationSlug/:projectSlug/issues')
  @RequireScopes(...READ)
  @Tenant({ organization: 'organizationSlug', project: 'projectSlug' })
  @ApiOperation({ operationId: 'list_project_issues', summary: "Search a project's issues" })
  @SelectionQueries()
  @ApiQuery({ name: 'sort', required: false, enum: SORT_VALUES })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ type: [IssueDto], description: 'Paginated (Link, X-Hits, X-Max-Hits)' })
  @ApiResponse({ status: 414, description: 'The query is too long to echo into the Link header' })
  async listProjectIssues(
    @Resolved() tenant: ResolvedTenant,
    @Resolved('project') project: ProjectEntity,
    @Query() request: IssueListRequest,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IssueDto[]> {
    return this.list([String(project.id)], tenant.organization.slug, request, req, res);
  }

  private async list(
    projectIds: string[],
    organizationSlug: string,
    { selection, sort, page }: IssueListRequest,
    req: AuthedRequest,
    res: Response,
  ): Promise<IssueDto[]> {
    const filter: IssueFilter = { ...selection.filter, projectIds, currentUserId: String(req.user.user.id) };
    let matchingEventId: string | null = null;
    if (selection.parsed.eventId) {
      filter.eventIssueId = await this.issues.findEventIssue(projectIds, selection.parsed.eventId);
      if (filter.eventIssueId) {
        matchingEventId = selection.parsed.eventId.replace(/-/g, '');
        res.setHeader('X-Sentry-Direct-Hit', '1');
      }
    }
    const { ids, total } = await this.issues.list(filter, sort, page, MAX_HITS);
    setPaginationHeaders(req, res, page, total);
    return this.views.byIds(ids, organizationSlug, matchingEventId);
  }

  /** The issues a bulk action applies to: `id`s and/or the list's filters, within the organization. */
  private async select(tenant: ResolvedTenant, { selection }: IssueSelectionRequest, req: AuthedRequest) {
    const scope = await this.projectsInScope(tenant, selection);
    await this.requireIssuesInReach(selection.filter.ids ?? [], scope.allProjects);
    const filter: IssueFilter = {
      ...selection.filter,
      projectIds: scope.projects.map((p) => String(p.id)),
      currentUserId: String(req.user.user.id),
    };
    if (selection.parsed.eventId) {
      filter.eventIssueId = await this.issues.findEventIssue(filter.projectIds, selection.parsed.eventId);
    }
    return { ids: await this.issues.select(filter), organizationId: String(tenant.organization.id) };
  }

  /**
   * Issue ids named in a bulk action must all be issues of the organization: an unknown or foreign id is a 404 and
   * nothing changes, rather than a 200 that changed nothing. (Other filters may still narrow the selection.)
   */
  private async requireIssuesInReach(ids: string[], projects: Array<{ id: string | number }>): Promise<void> {
    if (ids.length === 0) return;
    const projectIds = new Set(projects.map((p) => String(p.id)));
    const found = await this.issues.findByIds([...new Set(ids)]);
    const inReach = new Set(
      found.filter((i) => projectIds.has(String(i.projectId))).map((i) => String(i.id)),
    );
    if (ids.some((id) => !inReach.has(String(BigInt(id))))) throw notFound();
  }

  @Put('organizations/:organizationSlug/issues')
  @RequireScopes(...WRITE)
  @Tenant(ORGANIZATION)
  @ApiOperation({
    operationId: 'update_issues',
    summary: 'Change the status of, or merge, the selected issues',
    description:
      'Select with `id` (repeated) or the same filters as the list. `{status, statusDetails}` sets the status ' +
      '(`statusDetails.inNextRelease` records the current release); `{merge: 1}` merges them into the one with ' +
      'the highest id; `{assignedTo}` assigns them. Answers with the request body. An `id` that is not an issue ' +
      'of the organization is a 404 and nothing changes.',
  })
  @SelectionQueries()
  @ApiBody({ type: UpdateIssueDto })
  @ApiOkResponse({ type: UpdateIssueDto })
  async updateIssues(
    @Resolved() tenant: ResolvedTenant,
    @Query() request: IssueSelectionRequest,
    @Body() body: UpdateIssueDto,
    @Req() req: AuthedRequest,
  ): Promise<UpdateIssueDto> {
    const { ids, organizationId } = await this.select(tenant, request, req);
    await applyIssueUpdate(
      { issues: this.issues, assignment: this.assignment, merging: this.merging },
      organizationId,
      ids,
      body,
    );
    return body;
  }

  @Delete('organizations/:organizationSlug/issues')
  @RequireScopes(...WRITE)
  @Tenant(ORGANIZATION)
  @ApiOperation({
    operationId: 'delete_issues',
    summary: 'Delete the selected issues with their events',
    description:
      'Select with `id` (repeated) or the same filters as the list. Answers 200 `{"status": "resolved"}`, as ' +
      'GlitchTip. An `id` that is not an issue of the organization is a 404 and nothing is deleted.',
  })
  @SelectionQueries()
  @ApiOkResponse({
    schema: { type: 'object', properties: { status: { type: 'string', example: 'resolved' } } },
  })
  async deleteIssues(
    @Resolved() tenant: ResolvedTenant,
    @Query() request: IssueSelectionRequest,
    @Req() req: AuthedRequest,
  ): Promise<{ status: string }> {
    const { ids } = await this.select(tenant, request, req);
    await this.issues.delete(ids);
    return { status: 'resolved' };
  }

  @Get('organizations/:organizationSlug/issues-stats')
  @RequireScopes(...READ)
  @Tenant(ORGANIZATION)
  @ApiOperation({
    operationId: 'issue_stats',
    summary: 'Event counts over time for a set of issues (sparklines)',
    description:
      'From the hourly aggregates: 24 hourly buckets for `24h`, 14 daily ones for `14d`; at most 200 issues.',
  })
  @ApiQuery({ name: 'groups', required: true, type: [String], description: 'Issue ids (repeat the key)' })
  @ApiQuery({ name: 'statsPeriod', required: false, enum: ['24h', '14d'] })
  @ApiOkResponse({ type: [IssueStatsDto] })
  async issueStats(
    @Resolved() tenant: ResolvedTenant,
    @Query() query: Record<string, unknown>,
  ): Promise<IssueStatsDto[]> {
    const groups = listParam(query, 'groups');
    if (groups.length === 0) throw queryError('groups', 'Field required');
    for (const id of groups)
      if (!/^\d{1,18}$/.test(id)) throw queryError('groups', 'Input should be a valid integer');
    const period =
      query.statsPeriod === undefined || query.statsPeriod === '' ? '24h' : String(query.statsPeriod);
    if (period !== '24h' && period !== '14d')
      throw queryError('statsPeriod', "Input should be '14d' or '24h'");
    const projectIds = new Set(
      (await this.projects.ofOrganization(tenant.organization.id)).map((p) => String(p.id)),
    );
    const issues = (await this.issues.findByIds(groups.slice(0, STATS_LIMIT))).filter((i) =>
      projectIds.has(String(i.projectId)),
    );
    const stats = await this.issues.stats(
      issues.map((i) => String(i.id)),
      period,
    );
    return issues.map((issue) => ({
      id: String(issue.id),
      count: String(issue.count),
      userCount: issue.userCount,
      firstSeen: issue.firstSeen.toISOString(),
      lastSeen: issue.lastSeen.toISOString(),
      isUnhandled: issue.metadata?.unhandled === true,
      stats: { [period]: stats.get(String(issue.id)) ?? [] },
    }));
  }
}
