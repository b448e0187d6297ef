import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { DataSource, In } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/core';
import { EventEntity } from '@app/events';
import { IssueEntity, IssueStatus } from '@app/issues';
import { AuthContext } from '../auth/auth-context';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { AccessService } from '../common/access.service';
import { parsePage, setPaginationHeaders } from '../common/pagination';
import { IssueEventDetailDto } from '../events/dto/event.dto';
import { eventIdHex, serializeEvent } from '../events/event.mapper';
import { IssueDto } from './dto/issue.dto';
import { serializeIssue } from './issue.mapper';

type AuthedRequest = Request & { user: AuthContext };

const SORTS: Record<string, string> = {
  '-last_seen': 'i.last_seen DESC, i.id DESC',
  last_seen: 'i.last_seen ASC, i.id ASC',
  '-first_seen': 'i.first_seen DESC, i.id DESC',
  first_seen: 'i.first_seen ASC, i.id ASC',
  '-count': 'i.count DESC, i.id DESC',
  count: 'i.count ASC, i.id ASC',
  '-priority': `(log(greatest(i.count, 1)) + extract(epoch from i.last_seen) / 300000) DESC, i.id DESC`,
  priority: `(log(greatest(i.count, 1)) + extract(epoch from i.last_seen) / 300000) ASC, i.id ASC`,
};
const STATUS_BY_NAME: Record<string, IssueStatus> = {
  unresolved: IssueStatus.Unresolved,
  resolved: IssueStatus.Resolved,
  ignored: IssueStatus.Ignored,
};
const LEVEL_BY_NAME: Record<string, number> = {
  sample: 0,
  debug: 1,
  info: 2,
  warning: 3,
  error: 4,
  fatal: 5,
};

/** Splits a search string into tokens, keeping "quoted values" together. */
function tokenize(query: string): string[] {
  return [...query.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((m) => m[0].replace(/"/g, ''));
}

@ApiTags('issues')
@ApiBearerAuth()
@UseGuards(ApiAuthGuard)
@Controller('api/0')
export class IssuesController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('projects/:organizationSlug/:projectSlug/issues')
  @RequireScopes('event:read', 'event:write', 'event:admin')
  @ApiOperation({ operationId: 'list_project_issues', summary: "A project's issues, newest activity first" })
  @ApiQuery({ name: 'query', required: false, description: 'e.g. `is:unresolved level:error TypeError`' })
  @ApiQuery({ name: 'sort', required: false, enum: Object.keys(SORTS) })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ type: [IssueDto] })
  async listProjectIssues(
    @Param('organizationSlug') organizationSlug: string,
    @Param('projectSlug') projectSlug: string,
    @Query() query: Record<string, unknown>,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IssueDto[]> {
    const project = await this.access.project(req.user.user.id, organizationSlug, projectSlug);
    const page = parsePage(query);
    const where: string[] = ['i.project_id = $1'];
    const params: unknown[] = [project.id];
    for (const token of tokenize(typeof query.query === 'string' ? query.query : '')) {
      const [key, ...rest] = token.split(':');
      const value = rest.join(':');
      if (key === 'is' && value in STATUS_BY_NAME) {
        params.push(STATUS_BY_NAME[value]);
        where.push(`i.status = $${params.length}`);
      } else if (key === 'level' && value in LEVEL_BY_NAME) {
        params.push(LEVEL_BY_NAME[value]);
        where.push(`i.level = $${params.length}`);
      } else if (token) {
        params.push(`%${token.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        where.push(`i.search_text LIKE $${params.length}`);
      }
    }
    const order = SORTS[typeof query.sort === 'string' ? query.sort : '-last_seen'] ?? SORTS['-last_seen'];
    const totalRows: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM (SELECT 1 FROM issues i WHERE ${where.join(' AND ')} LIMIT 1001) x`,
      params,
    );
    const ids: Array<{ id: string }> = await this.dataSource.query(
      `SELECT i.id FROM issues i WHERE ${where.join(' AND ')} ORDER BY ${order} OFFSET ${page.offset} LIMIT ${page.limit}`,
      params,
    );
    const issues = ids.length
      ? await this.dataSource.getRepository(IssueEntity).findBy({ id: In(ids.map((r) => r.id)) })
      : [];
    const byId = new Map(issues.map((i) => [String(i.id), i]));
    setPaginationHeaders(req, res, page, Number(totalRows[0]?.n ?? 0));
    return ids
      .map((r) => byId.get(String(r.id)))
      .filter((i): i is IssueEntity => !!i)
      .map((issue) => serializeIssue(issue, project, this.config.domain, organizationSlug));
  }

  @Get('issues/:issueId/events/latest')
  @RequireScopes('event:read', 'event:write', 'event:admin')
  @ApiOperation({ operationId: 'get_latest_issue_event', summary: 'The most recent event of an issue' })
  @ApiOkResponse({ type: IssueEventDetailDto })
  async latestEvent(
    @Param('issueId') issueId: string,
    @Req() req: AuthedRequest,
  ): Promise<IssueEventDetailDto> {
    const issue = await this.access.issue(req.user.user.id, issueId);
    const events = this.dataSource.getRepository(EventEntity);
    const latest = await events.findOne({
      where: { issueId: issue.id },
      order: { received: 'DESC', eventId: 'DESC' },
    });
    if (!latest) throw new NotFoundException({ detail: 'Not Found' });
    const previous = await events
      .createQueryBuilder('e')
      .select(['e.eventId'])
      .where('e.issue_id = :issue AND (e.received, e.event_id) < (:received, :eventId)', {
        issue: issue.id,
        received: latest.received,
        eventId: latest.eventId,
      })
      .orderBy('e.received', 'DESC')
      .addOrderBy('e.event_id', 'DESC')
      .getOne();
    return {
      ...(serializeEvent(latest) as unknown as IssueEventDetailDto),
      nextEventID: null,
      previousEventID: previous ? eventIdHex(previous.eventId) : null,
      userReport: null,
    };
  }
}
