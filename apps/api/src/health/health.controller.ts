import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { SharedStore } from '@app/core';

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000)),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Liveness for load balancers: 200 while the process is up; the body says whether its dependencies answer. */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SharedStore) private readonly store: SharedStore,
  ) {}

  @Get('_health')
  async health(@Res() res: Response): Promise<void> {
    const [database, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(() => this.store.ping()),
    ]);
    res.status(HttpStatus.OK).json({ status: 'ok', database, redis });
  }

  /** Self-hosted Sentry's health check path, which some monitors use. */
  @Get('api/0/internal/health')
  internalHealth(@Res() res: Response): void {
    res.status(HttpStatus.OK).json({ healthy: {}, problems: [] });
  }
}
