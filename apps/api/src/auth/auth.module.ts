import {
  Inject,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestMiddleware,
  NestModule,
  RequestMethod,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@app/core';
import { MailModule } from '@app/mail';
import { CommonModule } from '../common/common.module';
import { AccountLinksService } from './account-links.service';
import { AllauthController, AllauthCsrfGuard } from './allauth.controller';
import { BrowserSessionService } from './browser-session.service';
import { ensureCsrfCookie } from './csrf';
import { RateLimiter } from './rate-limiter';
import { SessionStrategy } from './session.strategy';

/** Every allauth response carries the csrftoken cookie, even a HEAD or a 404 (allauth calls get_token() on each). */
@Injectable()
class CsrfCookieMiddleware implements NestMiddleware {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  use(req: Request, res: Response, next: NextFunction): void {
    ensureCsrfCookie(req, res, this.config);
    next();
  }
}

/**
 * Browser sessions (the passport strategy ApiAuthGuard uses for cookies), the allauth endpoints, rate limits,
 * outgoing mail and the signed links it carries.
 */
@Module({
  imports: [CommonModule, MailModule],
  controllers: [AllauthController],
  providers: [
    BrowserSessionService,
    SessionStrategy,
    RateLimiter,
    AccountLinksService,
    AllauthCsrfGuard,
    CsrfCookieMiddleware,
  ],
  exports: [BrowserSessionService, RateLimiter, MailModule, AccountLinksService],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CsrfCookieMiddleware).forRoutes({ path: '_allauth/*path', method: RequestMethod.ALL });
  }
}
