import {
  Controller,
  Get,
  NotFoundException,
  Param,
  Query,
  Redirect,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { EventsService, EventWithNeighbours } from '@app/events';
import { IssueCommentsService, IssueEntity, parseEventId } from '@app/issues';
import { ProjectEntity } from '@app/projects';
import { AuthContext } from '../auth/auth-context';
import { ApiAuthGuard, OptionalAuth, RequireScopes } from '../auth/auth.guard';
import { MAX_HITS, parsePage, setPaginationHeaders } from '../common/pagination';
import { serializeUserReport } from '../issues/issue.mapper';
import { IssueRouteScope, issueRoutes } from '../issues/issue-routes';
import { Resolved, Tenant } from '../common/tenant.guard';
import { IssueEventDetailDto, IssueEventDto, IssueEventJsonDto } from './dto/event.dto';
import { eventIdHex, serializeEvent, serializeEventJson } from './event.mapper';

type AuthedRequest = Request & { user: AuthContext };

const READ = ['event:read', 'event:write', 'event:admin'] as const;
const NOT_FOUND = () => new NotFoundException({ detail: 'Not Found' });

/** 32-hex or dashed event ids; anything else cannot exist. */
function eventUuid(value: string): string {
  const uuid = parseEventId(value);
  if (!uuid) throw NOT_FOUND();
  return uuid;
}

/** IssueEventDetailSchema: the event, its neighbours' ids and its user report. */
async function eventDetail(
  comments: IssueCommentsService,
  found: EventWithNeighbours | null,
): Promise<IssueEventDetailDto> {
  if (!found) throw NOT_FOUND();
  const report = await comments.userReportForEvent(String(found.event.projectId), found.event.eventId);
  return {
    ...(serializeEvent(found.event) as unknown as IssueEventDto),
    nextEventID: found.nextEventId ? eventIdHex(found.nextEventId) : null,
    previousEventID: found.previousEventId ? eventIdHex(found.previousEventId) : null,
    userReport: report ? serializeUserReport(report) : null,
  };
}

function issueEventsController(scope: IssueRouteScope) {
  const { base, op, params, tenant } = issueRoutes(scope);

  /** The events of one issue: list, latest, one with its neighbours. */
  @ApiTags('events')
  @ApiBearerAuth()
  @UseGuards(ApiAuthGuard)
  @Controller('api/0')
  @params
  class IssueEventsController {
    constructor(
      private readonly events: EventsService,
      private readonly comments: IssueCommentsService,
    ) {}

    private detail(found: EventWithNeighbours | null): Promise<IssueEventDetailDto> {
      return eventDetail(this.comments, found);
    }

    @Get(`${base}/events`)
    @RequireScopes(...READ)
    @tenant
    @ApiOperation({ operationId: op('list_issue_events'), summary: 'Events of an issue, newest first' })
    @ApiQuery({ name: 'cursor', required: false })
    @ApiQuery({ name: 'limit', required: false, type: Number })
    @ApiOkResponse({ type: [IssueEventDto], description: 'Paginated (Link, X-Hits, X-Max-Hits)' })
    async listIssueEvents(
      @Resolved('issue') issue: IssueEntity,
      @Query() query: Record<string, unknown>,
      @Req() req: AuthedRequest,
      @Res({ passthrough: true }) res: Response,
    ): Promise<IssueEventDto[]> {
      const page = parsePage(query);
      const { items, total } = await this.events.listForIssue(
        String(issue.id),
        page.offset,
        page.limit,
        MAX_HITS,
      );
      setPaginationHeaders(req, res, page, total);
      return items.map((e) => serializeEvent(e) as unknown as IssueEventDto);
    }

    @Get(`${base}/events/latest`)
    @RequireScopes(...READ)
    @tenant
    @ApiOperation({ operationId: op('get_latest_issue_event'), summary: 'The most recent event of an issue' })
    @ApiOkResponse({ type: IssueEventDetailDto })
    async latestEvent(@Resolved('issue') issue: IssueEntity): Promise<IssueEventDetailDto> {
      return this.detail(await this.events.latestForIssue(String(issue.id)));
    }

    @Get(`${base}/events/:eventId`)
    @RequireScopes(...READ)
    @tenant
    @ApiOperation({
      operationId: op('get_issue_event'),
      summary: 'An event of an issue, with the ids of the next and previous ones',
    })
    @ApiOkResponse({ type: IssueEventDetailDto })
    async issueEvent(
      @Resolved('issue') issue: IssueEntity,
      @Param('eventId') eventId: string,
    ): Promise<IssueEventDetailDto> {
      const uuid = eventUuid(eventId);
      return this.detail(await this.events.findInIssue(String(issue.id), uuid));
    }
  }
  return IssueEventsController;
}

export const IssueEventsController = issueEventsController('issue');
export const OrganizationIssueEventsController = issueEventsController('organization');

const PROJECT = { organization: 'organizationSlug', project: 'projectSlug' } as const;

/** Project events and the raw JSON download. */
@ApiTags('events')
@ApiBearerAuth()
@UseGuards(ApiAuthGuard)
@Controller('api/0')
export class ProjectEventsController {
  constructor(
    private readonly events: EventsService,
    private readonly comments: IssueCommentsService,
  ) {}

  private detail(found: EventWithNeighbours | null): Promise<IssueEventDetailDto> {
    return eventDetail(this.comments, found);
  }

  @Get('organizations/:organizationSlug/issues/:issueId/events/:eventId/json')
  @RequireScopes(...READ)
  @Tenant({ organization: 'organizationSlug', issue: 'issueId' })
  @ApiOperation({
    operationId: 'get_event_json',
    summary: "An event as raw JSON (Sentry's legacy event format)",
  })
  @ApiOkResponse({ type: IssueEventJsonDto })
  async eventJson(
    @Resolved('issue') issue: IssueEntity,
    @Param('eventId') eventId: string,
  ): Promise<IssueEventJsonDto> {
    const uuid = eventUuid(eventId);
    const found = await this.events.findInIssue(String(issue.id), uuid);
    if (!found) throw NOT_FOUND();
    return serializeEventJson(found.event) as unknown as IssueEventJsonDto;
  }

  @Get('projects/:organizationSlug/:projectSlug/events')
  @RequireScopes(...READ)
  @Tenant(PROJECT)
  @ApiOperation({ operationId: 'list_project_events', summary: 'Events of a project, newest first' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ type: [IssueEventDto], description: 'Paginated (Link, X-Hits, X-Max-Hits)' })
  async listProjectEvents(
    @Resolved('project') project: ProjectEntity,
    @Query() query: Record<string, unknown>,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IssueEventDto[]> {
    const page = parsePage(query);
    const { items, total } = await this.events.listForProject(
      String(project.id),
      page.offset,
      page.limit,
      MAX_HITS,
    );
    setPaginationHeaders(req, res, page, total);
    return items.map((e) => serializeEvent(e) as unknown as IssueEventDto);
  }

  @Get('projects/:organizationSlug/:projectSlug/events/:eventId')
  @RequireScopes(...READ)
  @Tenant(PROJECT)
  @ApiOperation({
    operationId: 'get_project_event',
    summary: 'An event of a project, with the ids of the next and previous ones in the project',
  })
  @ApiOkResponse({ type: IssueEventDetailDto })
  async projectEvent(
    @Resolved('project') project: ProjectEntity,
    @Param('eventId') eventId: string,
  ): Promise<IssueEventDetailDto> {
    const uuid = eventUuid(eventId);
    return this.detail(await this.events.findInProject(String(project.id), uuid));
  }
}

/** The web UI's "JSON" link is a plain href outside `/api/`; GlitchTip redirects it to the API route. */
@Controller('organizations')
export class EventJsonRedirectController {
  @Get(':organizationSlug/issues/:issueId/events/:eventId/json')
  @OptionalAuth()
  @ApiExcludeEndpoint()
  @Redirect()
  redirect(
    @Param('organizationSlug') organizationSlug: string,
    @Param('issueId') issueId: string,
    @Param('eventId') eventId: string,
  ): { url: string; statusCode: number } {
    const path = [organizationSlug, 'issues', issueId, 'events', eventId, 'json']
      .map((part) => encodeURIComponent(part))
      .join('/');
    return { url: `/api/0/organizations/${path}/`, statusCode: 302 };
  }
}
