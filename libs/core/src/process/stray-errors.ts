import { Logger } from '@nestjs/common';

let installed = false;

/**
 * Keeps a server process alive through an error that escaped every handler (a throw in a socket callback, a promise
 * nobody awaited): it is logged with its stack and the process goes on serving. Node's default would end the
 * process, and with it every request in flight and, in all-in-one mode, the embedded database. Entry points call this
 * once; the handlers that should catch such errors stay where they are — this is the last line, not the first.
 */
export function surviveStrayErrors(): void {
  if (installed) return;
  installed = true;
  const logger = new Logger('Process');
  process.on('uncaughtException', (error, origin) => {
    logger.error(`${origin} (the process goes on): ${error?.stack ?? String(error)}`);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error(`unhandled rejection (the process goes on): ${(reason as Error)?.stack ?? String(reason)}`);
  });
}
