import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, loadConfig, surviveStrayErrors, withDataDirSecret } from '@app/core';
import { ApiModule } from '../../api/src/api.module';
import { configOrExit, serveHttp } from '../../api/src/serve-http';
import { startWorker } from '../../worker/src/main';
import { WorkerModule } from '../../worker/src/worker.module';

/** The entry point owns the process: only it ends it. */
const exit = (code: number): never => process.exit(code);

@Module({})
class AllInOneModule {}

/** The api and the worker (consumers, schedules) in one process, sharing config, database and queue. */
function allInOneModule(config: AppConfig): DynamicModule {
  return { module: AllInOneModule, imports: [ApiModule.forRoot(config), WorkerModule.forRoot(config, true)] };
}

/**
 * The composition root of the default mode (`npm start`, the container's default command): without
 * DATABASE_URL it opens the embedded PostgreSQL, without REDIS_URL it queues in process. SERVER_ROLE=api or worker
 * starts that role alone, so one image serves every role.
 */
async function bootstrap(): Promise<void> {
  surviveStrayErrors();
  const config = configOrExit(() => withDataDirSecret(loadConfig()), exit);
  if (config.role === 'worker') {
    await startWorker(config);
    return;
  }
  await serveHttp(config, config.role === 'api' ? ApiModule.forRoot(config) : allInOneModule(config), exit);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
