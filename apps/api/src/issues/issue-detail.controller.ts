import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { EventsService } from '@app/events';
import {
  IssueAssignmentService,
  IssueCommentsService,
  IssueEntity,
  IssueMergeService,
  IssuesService,
  parseEventId,
} from '@app/issues';
import { AuthContext } from '../auth/auth-context';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { parsePage, setPaginationHeaders } from '../common/pagination';
import { IssueEventDto } from '../events/dto/event.dto';
import { serializeEvent } from '../events/event.mapper';
import { IssueDetailDto, IssueTagDto } from './dto/issue.dto';
import { IssueHashDto } from './dto/issue-hash.dto';
import { UpdateIssueDto } from './dto/update-issue.dto';
import { UserReportDto } from './dto/user-report.dto';
import { applyIssueUpdate } from './issue-update';
import { listParam } from './issue-list-request';
import { serializeUserReport } from './issue.mapper';
import { IssueViewsService } from './issue-views.service';
import { IssueRouteScope, issueRoutes } from './issue-routes';
import { notFound } from '../common/tenant-access.service';
import { Resolved, ResolvedTenant } from '../common/tenant.guard';
import { GlitchTipValidationPipe, queryError } from '../common/validation.pipe';

function throwNotFound(): never {
  throw notFound();
}

type AuthedRequest = Request & { user: AuthContext };

const READ = ['event:read', 'event:write', 'event:admin'] as const;
const WRITE = ['event:write', 'event:admin'] as const;

function issueDetailController(scope: IssueRouteScope) {
  const { base, op, params, tenant } = issueRoutes(scope);

  /** One issue: detail, status, delete, tags, grouping hashes (and unmerge), user reports. */
  @ApiTags('issues')
  @ApiBearerAuth()
  @UseGuards(ApiAuthGuard)
  @UsePipes(GlitchTipValidationPipe)
  @Controller('api/0')
  @params
  class IssueDetailController {
    constructor(
      private readonly issues: IssuesService,
      private readonly assignment: IssueAssignmentService,
      private readonly merging: IssueMergeService,
      private readonly comments: IssueCommentsService,
      private readonly events: EventsService,
      private readonly views: IssueViewsService,
    ) {}

    private async detail(issue: IssueEntity, tenant: ResolvedTenant): Promise<IssueDetailDto> {
      const [view] = await this.views.serialize([issue], tenant.organization.slug, null, tenant.project);
      return { ...view!, userReportCount: await this.issues.userReportCount(String(issue.id)) };
    }

    @Get(`${base}`)
    @RequireScopes(...READ)
    @tenant
    @ApiOperation({ operationId: op('get_issue'), summary: 'An issue' })
    @ApiOkResponse({ type: IssueDetailDto })
    getIssue(
      @Resolved('issue') issue: IssueEntity,
      @Resolved() tenant: ResolvedTenant,
    ): Promise<IssueDetailDto> {
      return this.detail(issue, tenant);
    }

    @Put(`${base}`)
    @RequireScopes(...WRITE)
    @tenant
    @ApiOperation({
      operationId: op('update_issue'),
      summary: "Set an issue's status or assignee",
      description:
        '`{status: "resolved", statusDetails: {inNextRelease: true}}` resolves it in the next release; ' +
        '`{assignedTo: "user:<id>" | "team:<slug>" | "<email>" | null}` assigns or unassigns it.',
    })
    @ApiBody({ type: UpdateIssueDto })
    @ApiOkResponse({ type: IssueDetailDto })
    async updateIssue(
      @Resolved('issue') issue: IssueEntity,
      @Resolved() tenant: ResolvedTenant,
      @Body() body: UpdateIssueDto,
    ): Promise<IssueDetailDto> {
      const issueId = String(issue.id);
      await applyIssueUpdate(
        { issues: this.issues, assignment: this.assignment, merging: this.merging },
        String(tenant.organization.id),
        [issueId],
        {
          ...body,
          merge: undefined,
        },
      );
      // Re-read: the update changed status and assignee.
      return this.detail((await this.issues.findById(issueId)) ?? throwNotFound(), tenant);
    }

    @Delete(`${base}`)
    @HttpCode(204)
    @RequireScopes(...WRITE)
    @tenant
    @ApiOperation({ operationId: op('delete_issue'), summary: 'Delete an issue with its events' })
    @ApiNoContentResponse()
    async deleteIssue(@Resolved('issue') issue: IssueEntity): Promise<void> {
      await this.issues.delete([String(issue.id)]);
    }

    @Get(`${base}/tags`)
    @RequireScopes(...READ)
    @tenant
    @ApiOperation({
      operationId: op('list_issue_tags'),
      summary: "An issue's tags with their most frequent values",
    })
    @ApiQuery({ name: 'key', required: false, description: 'Only this tag' })
    @ApiOkResponse({ type: [IssueTagDto] })
    async listTags(
      @Resolved('issue') issue: IssueEntity,
      @Query('key') key: string | undefined,
    ): Promise<IssueTagDto[]> {
      const tags = await this.issues.tags(String(issue.id), typeof key === 'string' && key ? key : undefined);
      return tags.map((tag) => ({
        key: tag.key,
        name: tag.key,
        totalValues: tag.totalValues,
        uniqueValues: tag.uniqueValues,
        topValues: tag.topValues.map((v) => ({
          key: tag.key,
          name: v.value,
          value: v.value,
          count: v.count,
        })),
      }));
    }

    @Get(`${base}/hashes`)
    @RequireScopes(...READ)
    @tenant
    @ApiOperation({
      operationId: op('list_issue_hashes'),
      summary: "An issue's grouping hashes, each with its latest event",
    })
    @ApiQuery({ name: 'cursor', required: false })
    @ApiQuery({ name: 'limit', required: false, type: Number })
    @ApiOkResponse({ type: [IssueHashDto], description: 'Paginated (Link, X-Hits, X-Max-Hits)' })
    async listHashes(
      @Resolved('issue') issue: IssueEntity,
      @Query() query: Record<string, unknown>,
      @Req() req: AuthedRequest,
      @Res({ passthrough: true }) res: Response,
    ): Promise<IssueHashDto[]> {
      const page = parsePage(query);
      const hashes = await this.issues.hashes(String(issue.id));
      const slice = hashes.slice(page.offset, page.offset + page.limit);
      const latest = await this.events.latestForHashes(String(issue.id), slice);
      setPaginationHeaders(req, res, page, hashes.length);
      return slice.map((hash) => {
        const event = latest.get(hash);
        return { id: hash, latestEvent: event ? (serializeEvent(event) as unknown as IssueEventDto) : null };
      });
    }

    @Delete(`${base}/hashes`)
    @HttpCode(202)
    @RequireScopes('event:admin')
    @tenant
    @ApiOperation({
      operationId: op('unmerge_issue_hashes'),
      summary: 'Unmerge grouping hashes into new issues',
      description:
        'Each hash in `id` moves, with its events, to a new issue; both issues keep exact counts, users, tags and ' +
        'hourly counts. The issue always keeps at least one hash.',
    })
    @ApiQuery({
      name: 'id',
      required: true,
      type: [String],
      description: 'Hashes (32 hex or UUID; repeat the key)',
    })
    @ApiAcceptedResponse({ description: 'Done; empty body' })
    async unmerge(
      @Resolved('issue') issue: IssueEntity,
      @Query() query: Record<string, unknown>,
    ): Promise<void> {
      const hashes = listParam(query, 'id').map((value) => {
        const uuid = parseEventId(value);
        if (!uuid) throw queryError('id', 'Input should be a valid UUID');
        return uuid.replace(/-/g, '');
      });
      if (hashes.length === 0) throw queryError('id', 'Field required');
      await this.merging.unmerge(String(issue.id), hashes);
    }

    @Get(`${base}/user-reports`)
    @RequireScopes(...READ)
    @tenant
    @ApiOperation({
      operationId: op('list_user_reports'),
      summary: 'User feedback about the events of an issue',
    })
    @ApiQuery({ name: 'cursor', required: false })
    @ApiQuery({ name: 'limit', required: false, type: Number })
    @ApiOkResponse({ type: [UserReportDto], description: 'Paginated (Link, X-Hits, X-Max-Hits)' })
    async listUserReports(
      @Resolved('issue') issue: IssueEntity,
      @Query() query: Record<string, unknown>,
      @Req() req: AuthedRequest,
      @Res({ passthrough: true }) res: Response,
    ): Promise<UserReportDto[]> {
      const page = parsePage(query);
      const { items, total } = await this.comments.userReports(String(issue.id), page.offset, page.limit);
      setPaginationHeaders(req, res, page, total);
      return items.map(serializeUserReport);
    }
  }
  return IssueDetailController;
}

export const IssueDetailController = issueDetailController('issue');
export const OrganizationIssueDetailController = issueDetailController('organization');
