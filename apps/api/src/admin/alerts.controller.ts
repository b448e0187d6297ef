import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UnprocessableEntityException,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  AlertHistoryEntry,
  AlertHistoryService,
  AlertRule,
  AlertRuleInput,
  AlertRulesService,
  publicConfig,
  recipientProblems,
} from '@app/alerts';
import { OrganizationRole } from '@app/organizations';
import { ProjectEntity } from '@app/projects';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { notFound, requireRole } from '../common/tenant-access.service';
import { Resolved, ResolvedTenant, Tenant } from '../common/tenant.guard';
import { GlitchTipValidationPipe } from '../common/validation.pipe';
import { ApiAdminErrors } from './api-responses';
import {
  AlertNotificationDto,
  ProjectAlertDto,
  ProjectAlertInDto,
  TestAlertResultDto,
} from './dto/alert.dto';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated } from './paginate';
import { PROJECT } from './projects.controller';

function serializeAlert(rule: AlertRule): ProjectAlertDto {
  return {
    id: rule.id,
    name: rule.name,
    timespanMinutes: rule.timespanMinutes,
    quantity: rule.quantity,
    uptime: rule.uptime,
    uptimeQuantity: rule.uptimeQuantity,
    uptimeTimespanMinutes: rule.uptimeTimespanMinutes,
    environment: rule.environment,
    alertRecipients: rule.recipients.map((r) => ({
      id: r.id,
      recipientType: r.recipientType,
      url: r.url,
      config: publicConfig(r),
      tagsToAdd: r.tagsToAdd,
    })),
  };
}

function serializeNotification(entry: AlertHistoryEntry): AlertNotificationDto {
  return {
    id: entry.id,
    created: entry.created.toISOString(),
    issues: entry.issues,
    deliveries: entry.deliveries.map((d) => ({
      ...d,
      lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    })),
  };
}

function ruleInput(body: ProjectAlertInDto): AlertRuleInput {
  return {
    name: body.name ?? '',
    timespanMinutes: body.timespanMinutes ?? null,
    quantity: body.quantity ?? null,
    uptime: body.uptime ?? false,
    uptimeQuantity: body.uptimeQuantity ?? null,
    uptimeTimespanMinutes: body.uptimeTimespanMinutes ?? null,
    environment: body.environment || null,
    recipients: (body.alertRecipients ?? []).map((r) => ({
      recipientType: r.recipientType,
      url: r.recipientType === 'email' ? '' : (r.url ?? ''),
      config: r.config ?? {},
      tagsToAdd: r.tagsToAdd ?? [],
    })),
  };
}

/** 422 in the validation pipe's shape for what only the alerts lib can judge (URLs, secrets). */
function assertValidRecipients(input: AlertRuleInput): void {
  const problems = recipientProblems(input.recipients);
  if (problems.length)
    throw new UnprocessableEntityException({
      detail: problems.map((p) => ({ type: 'value_error', loc: ['body', 'payload', ...p.loc], msg: p.msg })),
    });
}

@ApiTags('alerts')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0/projects/:organizationSlug/:projectSlug/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertRulesService,
    private readonly history: AlertHistoryService,
  ) {}

  private async rule(project: ProjectEntity, alertId: string): Promise<AlertRule> {
    const rule = await this.alerts.find(project.id, alertId);
    if (!rule) throw notFound();
    return rule;
  }

  @Get()
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @Tenant(PROJECT)
  @ApiOperation({ operationId: 'list_project_alerts', summary: "A project's alert rules" })
  @Paged()
  @ApiOkResponse({ type: [ProjectAlertDto] })
  list(
    @Resolved('project') project: ProjectEntity,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProjectAlertDto[]> {
    return paginated(
      req,
      res,
      async (page) => {
        const { rules, total } = await this.alerts.list(project.id, page);
        return { items: rules, total };
      },
      (rules) => rules.map(serializeAlert),
    );
  }

  @Get(':alertId/notifications')
  @RequireScopes('project:read', 'project:write', 'project:admin')
  @Tenant(PROJECT)
  @ApiOperation({
    operationId: 'list_project_alert_notifications',
    summary: "A rule's firings, newest first: the issues and each recipient's delivery outcome (ours)",
  })
  @Paged()
  @ApiOkResponse({ type: [AlertNotificationDto] })
  async notifications(
    @Resolved('project') project: ProjectEntity,
    @Param('alertId') alertId: string,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AlertNotificationDto[]> {
    const rule = await this.rule(project, alertId);
    return paginated(
      req,
      res,
      async (page) => {
        const { entries, total } = await this.history.page(rule, project.slug, page);
        return { items: entries, total };
      },
      (entries) => entries.map(serializeNotification),
    );
  }

  @Post()
  @RequireScopes('project:write', 'project:admin')
  @Tenant(PROJECT)
  @ApiOperation({ operationId: 'create_project_alert', summary: 'A new alert rule with its recipients' })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: ProjectAlertDto })
  async create(
    @Resolved('project') project: ProjectEntity,
    @Body() body: ProjectAlertInDto,
  ): Promise<ProjectAlertDto> {
    const input = ruleInput(body);
    assertValidRecipients(input);
    return serializeAlert(await this.alerts.create(project.id, input));
  }

  @Put(':alertId')
  @RequireScopes('project:write', 'project:admin')
  @Tenant(PROJECT)
  @ApiOperation({
    operationId: 'update_project_alert',
    summary: 'Replace an alert rule; recipients not sent are deleted (a secret sent back masked is kept)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: ProjectAlertDto })
  async update(
    @Resolved('project') project: ProjectEntity,
    @Param('alertId') alertId: string,
    @Body() body: ProjectAlertInDto,
  ): Promise<ProjectAlertDto> {
    const rule = await this.rule(project, alertId);
    const input = ruleInput(body);
    assertValidRecipients({ ...input, recipients: this.alerts.withKeptSecrets(rule, input.recipients) });
    return serializeAlert(await this.alerts.replace(rule, input));
  }

  @Delete(':alertId')
  @HttpCode(204)
  @RequireScopes('project:admin')
  @Tenant(PROJECT)
  @ApiOperation({ operationId: 'delete_project_alert', summary: 'Delete an alert rule (role admin and up)' })
  @ApiNoContentResponse()
  async delete(@Resolved() tenant: ResolvedTenant, @Param('alertId') alertId: string): Promise<void> {
    // An unknown rule is a 404 before a too-low role is a 403, as for the other project resources.
    const rule = await this.rule(tenant.project!, alertId);
    requireRole(tenant, OrganizationRole.Admin);
    await this.alerts.delete(rule);
  }

  @Post(':alertId/test')
  @HttpCode(200)
  @RequireScopes('project:write', 'project:admin')
  @Tenant(PROJECT)
  @ApiOperation({
    operationId: 'test_project_alert',
    summary: 'Send a test message to each recipient (or only recipient_id) now',
  })
  @ApiQuery({ name: 'recipient_id', required: false })
  @ApiOkResponse({ type: [TestAlertResultDto] })
  async test(
    @Resolved('project') project: ProjectEntity,
    @Param('alertId') alertId: string,
    @Query('recipient_id') recipientId: unknown,
  ): Promise<TestAlertResultDto[]> {
    const rule = await this.rule(project, alertId);
    return this.alerts.test(rule, typeof recipientId === 'string' && recipientId ? recipientId : undefined);
  }
}
