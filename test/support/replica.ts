import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureHttpApp } from '../../apps/api/src/configure-http-app';
import type { TestStack } from './test-app';

/** A second api process (same database, same Redis), as a load balancer would put next to the first. */
export async function startApiReplica(
  stack: TestStack,
): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const api = await NestFactory.create(ApiModule.forRoot(stack.config), { logger: ['error'] });
  await configureHttpApp(api);
  await api.listen(0, '127.0.0.1');
  const { port } = api.getHttpServer().address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => api.close() };
}
