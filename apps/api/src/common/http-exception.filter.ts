import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

/** Every error leaves as GlitchTip's `{"detail": …}`; unexpected ones as a 500 with an id to find the log line. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      response.status(status).json(toDetailBody(status, body));
      return;
    }
    // body-parser errors (malformed JSON, too large) carry a status of their own.
    const httpish = exception as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = httpish?.status ?? httpish?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      response.status(status).json({ detail: httpish.message ?? 'Bad request' });
      return;
    }
    const errorId = randomUUID();
    this.logger.error(`${errorId}: ${(exception as Error)?.stack ?? String(exception)}`);
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ detail: 'Internal server error', errorId });
  }
}

function toDetailBody(status: number, body: string | object): object {
  if (typeof body === 'string') return { detail: body };
  const record = body as Record<string, unknown>;
  if ('detail' in record) return record;
  if (status === 404) return { detail: 'Not Found' };
  if (status === 401) return { detail: 'Unauthorized' };
  const message = record.message;
  return { detail: Array.isArray(message) ? message.join('; ') : (message ?? 'Error') };
}
