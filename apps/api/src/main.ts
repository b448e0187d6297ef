import 'reflect-metadata';
import { loadConfigForRole, surviveStrayErrors, withDataDirSecret } from '@app/core';
import { ApiModule } from './api.module';
import { configOrExit, serveHttp } from './serve-http';

/** The entry point owns the process: only it ends it. */
const exit = (code: number): never => process.exit(code);

/**
 * The api alone (SERVER_ROLE=api, the default of this entry point): ingest and REST on PostgreSQL and Redis, as
 * many replicas as needed. The all-in-one process (api and worker together) starts from apps/all-in-one.
 */
async function bootstrap(): Promise<void> {
  surviveStrayErrors();
  const config = configOrExit(() => withDataDirSecret(loadConfigForRole('api')), exit);
  if (config.role !== 'api') {
    console.error(
      `SERVER_ROLE=${config.role} is not served by this entry point: run dist/apps/all-in-one/src/main.js ` +
        '(npm start) for all_in_one or worker, or dist/apps/worker/src/main.js for worker.',
    );
    process.exit(78);
  }
  await serveHttp(config, ApiModule.forRoot(config), exit);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
