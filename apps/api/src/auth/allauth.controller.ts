import {
  Body,
  CanActivate,
  Controller,
  Delete,
  ExecutionContext,
  Get,
  Head,
  HttpCode,
  Inject,
  Injectable,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { isEmail } from 'class-validator';
import type { Request, Response } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/core';
import {
  AccountsService,
  hashPassword,
  ResolvedSession,
  UserEntity,
  verifyPassword,
} from '@app/organizations';
import { clientIp } from '../common/client-address';
import { AccountLinksService } from './account-links.service';
import { BrowserSessionService } from './browser-session.service';
import { csrfFailure } from './csrf';
import {
  AllauthErrorDto,
  AllauthErrorResponseDto,
  AllauthStatusDto,
  AllauthUserDto,
  AuthenticatedResponseDto,
  ConfigurationResponseDto,
  EmailVerificationInfoDto,
  EmailVerifyBodyDto,
  LoginBodyDto,
  PasswordChangeBodyDto,
  PasswordRequestBodyDto,
  PasswordResetBodyDto,
  PasswordResetInfoDto,
  ReauthenticateBodyDto,
  SignupBodyDto,
  UnauthenticatedResponseDto,
} from './dto/allauth.dto';
import { passwordProblems } from './password-policy';
import { RateLimiter } from './rate-limiter';

/** allauth's rate limits: login 30/min per IP, 5 failures per 5 min per account; signup and resets 20/min per IP. */
const LOGIN_PER_IP = { limit: 30, window: 60 };
const LOGIN_FAILURES_PER_ACCOUNT = { limit: 5, window: 300 };
const SIGNUP_PER_IP = { limit: 20, window: 60 };
const RESET_PER_IP = { limit: 20, window: 60 };
const RESET_PER_ACCOUNT = { limit: 5, window: 300 };

type Body = Record<string, unknown> | undefined;

function accountBucket(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
}

/** allauth checks CSRF on every unsafe request of the browser client, logged in or not. */
@Injectable()
export class AllauthCsrfGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const failure = csrfFailure(req, this.config);
    if (!failure) return true;
    context
      .switchToHttp()
      .getResponse<Response>()
      .status(403)
      .json({ status: 403, errors: [{ code: 'csrf_failed', message: `CSRF check failed: ${failure}.` }] });
    return false;
  }
}

/**
 * The django-allauth "headless" API for the browser client, which GlitchTip's web UI logs in with: the HTTP status
 * is repeated in the body, 401 bodies list the available flows, and every response carries the `csrftoken` cookie.
 */
@ApiTags('allauth')
@UseGuards(AllauthCsrfGuard)
@Controller('_allauth/browser/v1')
export class AllauthController {
  /** A hash of a random password: unknown accounts cost a login attempt what known ones cost. */
  private readonly dummyHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(
    private readonly accounts: AccountsService,
    private readonly browser: BrowserSessionService,
    private readonly links: AccountLinksService,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The rate-limit bucket of the caller's address (TRUSTED_PROXIES decides whether X-Forwarded-For counts). */
  private clientAddress(req: Request): string {
    return clientIp(req, this.config.trustedProxies) ?? 'unknown';
  }

  private async signupOpen(): Promise<boolean> {
    return this.config.registration.enableUserRegistration || !(await this.accounts.anyUserExists());
  }

  private async user(user: UserEntity): Promise<AllauthUserDto> {
    return {
      id: Number(user.id),
      display: user.email,
      email: user.email,
      has_usable_password: await this.accounts.hasUsablePassword(user.id),
    };
  }

  /** allauth repeats the HTTP status in the body; the response is sent here, with that status. */
  private send(res: Response, body: { status: number }): void {
    res.status(body.status).json(body);
  }

  private async authenticated(res: Response, resolved: ResolvedSession): Promise<void> {
    const body: AuthenticatedResponseDto = {
      status: 200,
      data: { user: await this.user(resolved.user), methods: resolved.session.methods },
      meta: { is_authenticated: true },
    };
    this.send(res, body);
  }

  private async unauthenticated(res: Response): Promise<void> {
    const flows = [{ id: 'login' }, ...((await this.signupOpen()) ? [{ id: 'signup' }] : [])];
    const body: UnauthenticatedResponseDto = {
      status: 401,
      data: { flows },
      meta: { is_authenticated: false },
    };
    this.send(res, body);
  }

  private error(res: Response, errors: AllauthErrorDto[], status = 400): void {
    const body: AllauthErrorResponseDto = errors.length ? { status, errors } : { status };
    this.send(res, body);
  }

  private throttled(res: Response, retryAfter: number): void {
    res.setHeader('Retry-After', String(retryAfter));
    this.error(res, [{ code: 'too_many_requests', message: 'Too many requests. Try again later.' }], 429);
  }

  /** Required string fields; allauth's messages. */
  private fields(body: Body, names: string[], emailField?: string): AllauthErrorDto[] {
    const errors: AllauthErrorDto[] = [];
    for (const name of names) {
      const value = body?.[name];
      if (typeof value !== 'string' || value === '')
        errors.push({ code: 'required', message: 'This field is required.', param: name });
      else if (name === emailField && !isEmail(value.trim()))
        errors.push({ code: 'invalid', message: 'Enter a valid email address.', param: name });
    }
    return errors;
  }

  private passwordErrors(password: string, email: string, param: string): AllauthErrorDto[] {
    return passwordProblems(password, email).map((p) => ({ ...p, param }));
  }

  @Get('config')
  @ApiOperation({ operationId: 'allauth_config', summary: 'allauth configuration the web UI adapts to' })
  @ApiOkResponse({ type: ConfigurationResponseDto })
  async configuration(): Promise<ConfigurationResponseDto> {
    return {
      status: 200,
      data: {
        account: {
          login_methods: ['email'],
          is_open_for_signup: await this.signupOpen(),
          email_verification_by_code_enabled: false,
          login_by_code_enabled: false,
          password_reset_by_code_enabled: false,
        },
      },
    };
  }

  @Get('auth/session')
  @ApiOperation({
    operationId: 'allauth_get_session',
    summary: 'Whether the browser is logged in (sets csrftoken)',
  })
  @ApiOkResponse({ type: AuthenticatedResponseDto })
  @ApiUnauthorizedResponse({ type: UnauthenticatedResponseDto })
  async session(@Req() req: Request, @Res() res: Response): Promise<void> {
    const resolved = await this.browser.current(req);
    if (resolved) return this.authenticated(res, resolved);
    if (this.browser.hasCookie(req)) this.browser.clearStale(req, res);
    return this.unauthenticated(res);
  }

  @Delete('auth/session')
  @ApiOperation({ operationId: 'allauth_logout', summary: 'Log out (answers 401, as allauth does)' })
  @ApiUnauthorizedResponse({ type: UnauthenticatedResponseDto })
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.browser.logOut(req, res);
    return this.unauthenticated(res);
  }

  /** Cypress and scripts send HEAD here only to receive the csrftoken cookie. */
  @Head('auth/login')
  @HttpCode(200)
  @ApiOperation({ operationId: 'allauth_login_head', summary: 'Sets the csrftoken cookie' })
  @ApiOkResponse({ description: 'Empty; the csrftoken cookie is set' })
  loginHead(): void {}

  @Post('auth/login')
  @ApiOperation({ operationId: 'allauth_login', summary: 'Log in with e-mail and password' })
  @ApiBody({ type: LoginBodyDto })
  @ApiOkResponse({ type: AuthenticatedResponseDto })
  @ApiBadRequestResponse({ type: AllauthErrorResponseDto })
  @ApiForbiddenResponse({ type: AllauthErrorResponseDto, description: 'CSRF check failed' })
  @ApiConflictResponse({ type: AllauthStatusDto, description: 'Already logged in' })
  @ApiTooManyRequestsResponse({
    type: AllauthErrorResponseDto,
    description:
      'Too many attempts from this address (`too_many_requests`), or the account is locked after 5 failed ' +
      'logins (`too_many_login_attempts`); Retry-After says for how many seconds',
  })
  async login(@Body() body: Body, @Req() req: Request, @Res() res: Response): Promise<void> {
    const wait = await this.limiter.hit(
      `login:ip:${this.clientAddress(req)}`,
      LOGIN_PER_IP.limit,
      LOGIN_PER_IP.window,
    );
    if (wait) return this.throttled(res, wait);
    const errors = this.fields(body, ['email', 'password'], 'email');
    if (errors.length) return this.error(res, errors);
    if (await this.browser.current(req)) return this.error(res, [], 409);
    const email = String(body!.email).trim();
    const bucket = `login-failed:${accountBucket(email)}`;
    const locked = await this.limiter.exhausted(bucket, LOGIN_FAILURES_PER_ACCOUNT.limit);
    if (locked) {
      // A lockout is a rate limit: 429 with the wait, so clients back off instead of showing a form error.
      res.setHeader('Retry-After', String(locked));
      return this.error(
        res,
        [{ code: 'too_many_login_attempts', message: 'Too many failed login attempts. Try again later.' }],
        429,
      );
    }
    const found = await this.accounts.findLoginUser(email);
    const valid = await verifyPassword(String(body!.password), found?.passwordHash ?? (await this.dummyHash));
    if (!found || !found.passwordHash || !valid) {
      await this.limiter.hit(bucket, LOGIN_FAILURES_PER_ACCOUNT.limit, LOGIN_FAILURES_PER_ACCOUNT.window);
      return this.error(res, [
        {
          code: 'email_password_mismatch',
          message: 'The email address and/or password you specified are not correct.',
          param: 'password',
        },
      ]);
    }
    await this.limiter.reset(bucket);
    const resolved = await this.browser.logIn(req, res, found.user, {
      method: 'password',
      at: Date.now() / 1000,
      email: found.user.email,
    });
    return this.authenticated(res, resolved);
  }

  @Post('auth/signup')
  @ApiOperation({ operationId: 'allauth_signup', summary: 'Create an account and log in' })
  @ApiBody({ type: SignupBodyDto })
  @ApiOkResponse({ type: AuthenticatedResponseDto })
  @ApiBadRequestResponse({ type: AllauthErrorResponseDto })
  @ApiForbiddenResponse({
    type: AllauthErrorResponseDto,
    description: 'Registration is closed, or CSRF failed',
  })
  @ApiConflictResponse({ type: AllauthStatusDto, description: 'Already logged in' })
  @ApiTooManyRequestsResponse({ type: AllauthErrorResponseDto })
  async signup(@Body() body: Body, @Req() req: Request, @Res() res: Response): Promise<void> {
    const wait = await this.limiter.hit(
      `signup:ip:${this.clientAddress(req)}`,
      SIGNUP_PER_IP.limit,
      SIGNUP_PER_IP.window,
    );
    if (wait) return this.throttled(res, wait);
    if (!(await this.signupOpen()))
      return this.error(res, [{ code: 'signup_closed', message: 'Registration is closed.' }], 403);
    if (await this.browser.current(req)) return this.error(res, [], 409);
    const errors = this.fields(body, ['email', 'password'], 'email');
    if (errors.length) return this.error(res, errors);
    const email = String(body!.email).trim();
    const password = String(body!.password);
    const weak = this.passwordErrors(password, email, 'password');
    if (weak.length) return this.error(res, weak);
    const user = await this.accounts.createUser({ email, password });
    if (!user)
      return this.error(res, [
        {
          code: 'email_taken',
          message: 'A user is already registered with this email address.',
          param: 'email',
        },
      ]);
    const address = await this.accounts.findEmail(user.id, email);
    if (address) this.links.sendEmailConfirmation(address);
    const resolved = await this.browser.logIn(req, res, user, {
      method: 'password',
      at: Date.now() / 1000,
      email,
    });
    return this.authenticated(res, resolved);
  }

  @Post('auth/password/request')
  @ApiOperation({
    operationId: 'allauth_request_password',
    summary: 'E-mail a password reset link (answers 200 whether or not the address is known)',
  })
  @ApiBody({ type: PasswordRequestBodyDto })
  @ApiOkResponse({ type: AllauthStatusDto })
  @ApiBadRequestResponse({ type: AllauthErrorResponseDto })
  @ApiTooManyRequestsResponse({ type: AllauthErrorResponseDto })
  async requestPassword(@Body() body: Body, @Req() req: Request, @Res() res: Response): Promise<void> {
    const wait = await this.limiter.hit(
      `reset:ip:${this.clientAddress(req)}`,
      RESET_PER_IP.limit,
      RESET_PER_IP.window,
    );
    if (wait) return this.throttled(res, wait);
    const errors = this.fields(body, ['email'], 'email');
    if (errors.length) return this.error(res, errors);
    const email = String(body!.email).trim();
    const accountWait = await this.limiter.hit(
      `reset:account:${accountBucket(email)}`,
      RESET_PER_ACCOUNT.limit,
      RESET_PER_ACCOUNT.window,
    );
    if (accountWait) return this.throttled(res, accountWait);
    const found = await this.accounts.findLoginUser(email);
    if (found) await this.links.sendPasswordReset(found.user);
    this.send(res, { status: 200 });
  }

  @Get('auth/password/reset')
  @ApiOperation({ operationId: 'allauth_password_reset_info', summary: 'Check a password reset key' })
  @ApiHeader({ name: 'X-Password-Reset-Key', required: true })
  @ApiOkResponse({ type: PasswordResetInfoDto })
  @ApiBadRequestResponse({ type: AllauthErrorResponseDto })
  async passwordResetInfo(@Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.links.passwordResetUser(req.get('x-password-reset-key') ?? '');
    if (!user) return this.invalidResetKey(res);
    const info: PasswordResetInfoDto = { status: 200, data: { user: await this.user(user) } };
    this.send(res, info);
  }

  private invalidResetKey(res: Response): void {
    this.error(res, [
      { code: 'invalid_password_reset', message: 'The password reset token was invalid.', param: 'key' },
    ]);
  }

  @Post('auth/password/reset')
  @ApiOperation({
    operationId: 'allauth_reset_password',
    summary: 'Set a new password with a reset key; every session of the account ends (answers 401)',
  })
  @ApiBody({ type: PasswordResetBodyDto })
  @ApiUnauthorizedResponse({ type: UnauthenticatedResponseDto })
  @ApiBadRequestResponse({ type: AllauthErrorResponseDto })
  async resetPassword(@Body() body: Body, @Req() req: Request, @Res() res: Response): Promise<void> {
    const errors = this.fields(body, ['key', 'password']);
    if (errors.length) return this.error(res, errors);
    const user = await this.links.passwordResetUser(String(body!.key));
    if (!user) return this.invalidResetKey(res);
    const weak = this.passwordErrors(String(body!.password), user.email, 'password');
    if (weak.length) return this.error(res, weak);
    await this.accounts.setPassword(user.id, String(body!.password));
    await this.browser.logOut(req, res);
    await this.browser.endAllSessions(user.id);
    return this.unauthenticated(res);
  }

  @Post('account/password/change')
  @ApiOperation({
    operationId: 'allauth_change_password',
    summary: "Change the logged-in user's password; the user's other sessions end",
  })
  @ApiBody({ type: PasswordChangeBodyDto })
  @ApiOkResponse({ type: AuthenticatedResponseDto })
  @ApiBadRequestResponse({ type: AllauthErrorResponseDto })
  @ApiUnauthorizedResponse({ type: UnauthenticatedResponseDto })
  async changePassword(@Body() body: Body, @Req() req: Request, @Res() res: Response): Promise<void> {
    const resolved = await this.browser.current(req);
    if (!resolved) return this.unauthenticated(res);
    const currentHash = await this.accounts.passwordHashOf(resolved.user.id);
    const errors = this.fields(body, currentHash ? ['current_password', 'new_password'] : ['new_password']);
    if (errors.length) return this.error(res, errors);
    if (currentHash && !(await verifyPassword(String(body!.current_password), currentHash)))
      return this.error(res, [
        {
          code: 'enter_current_password',
          message: 'Please type your current password.',
          param: 'current_password',
        },
      ]);
    const weak = this.passwordErrors(String(body!.new_password), resolved.user.email, 'new_password');
    if (weak.length) return this.error(res, weak);
    await this.accounts.setPassword(resolved.user.id, String(body!.new_password));
    await this.browser.endAllSessions(resolved.user.id, resolved.session.id);
    return this.authenticated(res, resolved);
  }

  @Post('auth/reauthenticate')
  @ApiOperation({
    operationId: 'allauth_reauthenticate',
    summary: 'Confirm the password of the logged-in user',
  })
  @ApiBody({ type: ReauthenticateBodyDto })
  @ApiOkResponse({ type: AuthenticatedResponseDto })
  @ApiBadRequestResponse({ type: AllauthErrorResponseDto })
  @ApiUnauthorizedResponse({ type: UnauthenticatedResponseDto })
  async reauthenticate(@Body() body: Body, @Req() req: Request, @Res() res: Response): Promise<void> {
    const resolved = await this.browser.current(req);
    if (!resolved) return this.unauthenticated(res);
    const errors = this.fields(body, ['password']);
    if (errors.length) return this.error(res, errors);
    const hash = await this.accounts.passwordHashOf(resolved.user.id);
    if (!hash || !(await verifyPassword(String(body!.password), hash)))
      return this.error(res, [
        { code: 'incorrect_password', message: 'Incorrect password.', param: 'password' },
      ]);
    const method = { method: 'password' as const, at: Date.now() / 1000, reauthenticated: true };
    await this.browser.recordMethod(resolved.session.id, method);
    return this.authenticated(res, {
      ...resolved,
      session: { ...resolved.session, methods: [...resolved.session.methods, method] },
    });
  }

  @Get('auth/email/verify')
  @ApiOperation({
    operationId: 'allauth_email_verification_info',
    summary: 'Check an e-mail confirmation key',
  })
  @ApiHeader({ name: 'X-Email-Verification-Key', required: true })
  @ApiOkResponse({ type: EmailVerificationInfoDto })
  @ApiBadRequestResponse({ type: AllauthErrorResponseDto })
  async emailVerificationInfo(@Req() req: Request, @Res() res: Response): Promise<void> {
    const address = await this.links.emailToConfirm(req.get('x-email-verification-key') ?? '');
    const user = address ? await this.accounts.findUserById(address.userId) : null;
    if (!address || !user) return this.invalidEmailKey(res);
    const info: EmailVerificationInfoDto = {
      status: 200,
      data: { email: address.email, user: await this.user(user) },
      meta: { is_authenticating: false },
    };
    this.send(res, info);
  }

  private invalidEmailKey(res: Response): void {
    this.error(res, [{ code: 'invalid_or_expired_key', message: 'Invalid or expired key.', param: 'key' }]);
  }

  @Post('auth/email/verify')
  @ApiOperation({ operationId: 'allauth_verify_email', summary: 'Confirm an e-mail address with its key' })
  @ApiBody({ type: EmailVerifyBodyDto })
  @ApiOkResponse({ type: AuthenticatedResponseDto, description: 'Confirmed, while logged in' })
  @ApiUnauthorizedResponse({ type: UnauthenticatedResponseDto, description: 'Confirmed, not logged in' })
  @ApiBadRequestResponse({ type: AllauthErrorResponseDto })
  async verifyEmail(@Body() body: Body, @Req() req: Request, @Res() res: Response): Promise<void> {
    const errors = this.fields(body, ['key']);
    if (errors.length) return this.error(res, errors);
    const address = await this.links.emailToConfirm(String(body!.key));
    if (!address || !(await this.accounts.verifyEmail(address.id))) return this.invalidEmailKey(res);
    const resolved = await this.browser.current(req);
    return resolved ? this.authenticated(res, resolved) : this.unauthenticated(res);
  }
}
