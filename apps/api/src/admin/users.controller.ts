import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Put,
  Req,
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountsService } from '@app/organizations';
import { ProjectsService } from '@app/projects';
import { AccountLinksService } from '../auth/account-links.service';
import { ApiAuthGuard } from '../auth/auth.guard';
import { TenantAccessService } from '../common/tenant-access.service';
import { serializeUser, serializeUserDetail } from '../root/user.mapper';
import { ApiAdminErrors, ErrorDto, ValidationErrorDto } from './api-responses';
import {
  EmailAddressDto,
  EmailAddressInDto,
  UpdateUserDto,
  UserDetailDto,
  UserDto,
  UserNotificationsDto,
} from './dto/user.dto';
import type { AuthedRequest } from './organizations.controller';
import { Paged, paginated } from './paginate';
import { GlitchTipValidationPipe, unprocessable } from '../common/validation.pipe';

const USER_ID = ApiParam({
  name: 'userId',
  description: '`me` (or your own id): every route acts on the caller; another user’s id is a 404',
});

/** `/users/{id}/…` acts on the caller; another user's id is a 404, as in GlitchTip. */
function ownId(req: AuthedRequest, userId: string): string {
  if (userId !== 'me' && userId !== String(req.user.user.id))
    throw new NotFoundException({ detail: 'Not Found' });
  return req.user.user.id;
}

function serializeEmail(address: {
  email: string;
  isPrimary: boolean;
  isVerified: boolean;
}): EmailAddressDto {
  return { email: address.email, isPrimary: address.isPrimary, isVerified: address.isVerified };
}

@ApiTags('users')
@ApiAdminErrors()
@UseGuards(ApiAuthGuard)
@UsePipes(GlitchTipValidationPipe)
@Controller('api/0/users')
export class UsersController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly projects: ProjectsService,
    private readonly tenants: TenantAccessService,
    private readonly links: AccountLinksService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'list_users', summary: 'The caller (the only user anyone can list)' })
  @Paged()
  @ApiOkResponse({ type: [UserDto] })
  async list(@Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<UserDto[]> {
    const user = req.user.user;
    const hasPassword = await this.accounts.hasUsablePassword(user.id);
    return paginated(
      req,
      res,
      async () => ({ items: [user], total: 1 }),
      (users) => users.map((u) => serializeUser(u, hasPassword)),
    );
  }

  @Get(':userId')
  @USER_ID
  @ApiOperation({ operationId: 'get_user', summary: 'The caller’s profile and options' })
  @ApiOkResponse({ type: UserDetailDto })
  async get(@Param('userId') userId: string, @Req() req: AuthedRequest): Promise<UserDetailDto> {
    ownId(req, userId);
    const user = req.user.user;
    return serializeUserDetail(user, await this.accounts.hasUsablePassword(user.id));
  }

  @Put(':userId')
  @USER_ID
  @ApiOperation({
    operationId: 'update_user',
    summary: 'Change the name and the options (theme, time zone…)',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: UserDto })
  async update(
    @Param('userId') userId: string,
    @Body() body: UpdateUserDto,
    @Req() req: AuthedRequest,
  ): Promise<UserDto> {
    const id = ownId(req, userId);
    const options =
      body.options === undefined
        ? undefined
        : Object.fromEntries(Object.entries(body.options).filter(([, v]) => v !== undefined && v !== null));
    const user = await this.accounts.updateProfile(id, { name: body.name, options });
    return serializeUser(user, await this.accounts.hasUsablePassword(id));
  }

  @Delete(':userId')
  @HttpCode(204)
  @USER_ID
  @ApiOperation({
    operationId: 'delete_user',
    summary: 'Delete the caller’s account (not while primary owner of an organization)',
  })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ type: ErrorDto })
  async delete(@Param('userId') userId: string, @Req() req: AuthedRequest): Promise<void> {
    const id = ownId(req, userId);
    if ((await this.accounts.deleteUser(id)) === 'owner')
      throw new BadRequestException({
        detail: 'User is organization owner. Delete organization or transfer ownership first.',
      });
  }

  @Get(':userId/emails')
  @USER_ID
  @ApiOperation({ operationId: 'list_emails', summary: 'The caller’s e-mail addresses (not paginated)' })
  @ApiOkResponse({ type: [EmailAddressDto] })
  async emails(@Param('userId') userId: string, @Req() req: AuthedRequest): Promise<EmailAddressDto[]> {
    return (await this.accounts.listEmails(ownId(req, userId))).map(serializeEmail);
  }

  @Post(':userId/emails')
  @USER_ID
  @ApiOperation({
    operationId: 'create_email',
    summary: 'Add an address; a confirmation link is e-mailed to it',
  })
  @ApiAdminErrors({ body: true })
  @ApiCreatedResponse({ type: EmailAddressDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'Email already exists' })
  async addEmail(
    @Param('userId') userId: string,
    @Body() body: EmailAddressInDto,
    @Req() req: AuthedRequest,
  ): Promise<EmailAddressDto> {
    const address = await this.accounts.addEmail(ownId(req, userId), body.email.trim());
    if (!address) throw new BadRequestException({ detail: 'Email already exists' });
    this.links.sendEmailConfirmation(address);
    return serializeEmail(address);
  }

  @Put(':userId/emails')
  @USER_ID
  @ApiOperation({
    operationId: 'set_email_as_primary',
    summary: 'Make a verified address the primary (login) one',
  })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: EmailAddressDto })
  async setPrimary(
    @Param('userId') userId: string,
    @Body() body: EmailAddressInDto,
    @Req() req: AuthedRequest,
  ): Promise<EmailAddressDto> {
    const address = await this.accounts.setPrimaryEmail(ownId(req, userId), body.email.trim());
    if (!address) throw new NotFoundException({ detail: 'Not Found' });
    return serializeEmail(address);
  }

  @Delete(':userId/emails')
  @HttpCode(204)
  @USER_ID
  @ApiOperation({ operationId: 'delete_email', summary: 'Remove a secondary address (body `{"email": …}`)' })
  @ApiBody({ type: EmailAddressInDto })
  @ApiNoContentResponse()
  @ApiUnprocessableEntityResponse({ type: ValidationErrorDto })
  async deleteEmail(
    @Param('userId') userId: string,
    @Body() body: EmailAddressInDto,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    if (!(await this.accounts.deleteEmail(ownId(req, userId), body.email.trim())))
      throw new NotFoundException({ detail: 'Not Found' });
  }

  @Post(':userId/emails/confirm')
  @HttpCode(204)
  @USER_ID
  @ApiOperation({
    operationId: 'send_confirm_email',
    summary: 'E-mail the confirmation link of an address again',
  })
  @ApiAdminErrors({ body: true })
  @ApiNoContentResponse()
  async confirmEmail(
    @Param('userId') userId: string,
    @Body() body: EmailAddressInDto,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    const address = await this.accounts.findEmail(ownId(req, userId), body.email.trim());
    if (!address || address.isVerified) throw new NotFoundException({ detail: 'Not Found' });
    this.links.sendEmailConfirmation(address);
  }

  @Get(':userId/notifications')
  @USER_ID
  @ApiOperation({
    operationId: 'get_notifications',
    summary: 'Whether alerts of new projects reach the caller',
  })
  @ApiOkResponse({ type: UserNotificationsDto })
  async notifications(
    @Param('userId') userId: string,
    @Req() req: AuthedRequest,
  ): Promise<UserNotificationsDto> {
    ownId(req, userId);
    return { subscribeByDefault: req.user.user.subscribeByDefault };
  }

  @Put(':userId/notifications')
  @USER_ID
  @ApiOperation({ operationId: 'update_notifications', summary: 'Subscribe to alerts by default, or not' })
  @ApiAdminErrors({ body: true })
  @ApiOkResponse({ type: UserNotificationsDto })
  async updateNotifications(
    @Param('userId') userId: string,
    @Body() body: UserNotificationsDto,
    @Req() req: AuthedRequest,
  ): Promise<UserNotificationsDto> {
    const user = await this.accounts.setSubscribeByDefault(ownId(req, userId), body.subscribeByDefault);
    return { subscribeByDefault: user.subscribeByDefault };
  }

  @Get(':userId/notifications/alerts')
  @USER_ID
  @ApiOperation({
    operationId: 'user_notification_alerts',
    summary:
      'Per-project alert choices: `{"<projectId>": 0 (off) | 1 (on)}`; absent projects use the default',
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: { type: 'integer', enum: [-1, 0, 1] } } })
  async alerts(@Param('userId') userId: string, @Req() req: AuthedRequest): Promise<Record<string, number>> {
    return this.projects.userAlerts(ownId(req, userId));
  }

  @Put(':userId/notifications/alerts')
  @HttpCode(204)
  @USER_ID
  @ApiOperation({
    operationId: 'update_user_notification_alerts',
    summary: 'Set one project’s alert choice: `{"<projectId>": -1 (default) | 0 | 1}`',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: { type: 'integer', enum: [-1, 0, 1] } } })
  @ApiNoContentResponse()
  @ApiUnprocessableEntityResponse({ type: ValidationErrorDto })
  async updateAlerts(
    @Param('userId') userId: string,
    @Body() body: unknown,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    const id = ownId(req, userId);
    const entries = body && typeof body === 'object' && !Array.isArray(body) ? Object.entries(body) : [];
    if (entries.length !== 1) throw unprocessable('__root__', 'Invalid alert format, expected one value');
    const [projectId, status] = entries[0]!;
    if (status !== -1 && status !== 0 && status !== 1)
      throw unprocessable(projectId, 'Invalid status, must be -1, 0, or 1');
    if (!(await this.tenants.canSeeProject(id, projectId)))
      throw new NotFoundException({ detail: 'Not Found' });
    await this.projects.setUserAlert(id, projectId, status);
  }
}
