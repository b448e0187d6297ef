import { DynamicModule, Global, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';

/**
 * A job a process consumes: the queue that carries it, its name there and (as a type only) what its handler is
 * given. Libraries declare their jobs with their payload types; core knows neither.
 */
export interface JobDeclaration<Payload> {
  readonly queue: string;
  readonly name: string;
  /** Never set: carries `Payload` for the type checker. */
  readonly payload?: Payload;
}

export function declareJob<Payload>(queue: string, name: string): JobDeclaration<Payload> {
  return { queue, name };
}

export type JobHandler<Payload> = (payload: Payload) => Promise<unknown>;

function idOf(job: JobDeclaration<unknown>): string {
  return `${job.queue}/${job.name}`;
}

/** The map of a process's jobs is wrong: a declared job has no handler or two, or a handler has no declaration. */
export class JobMapError extends Error {
  constructor(problems: string[]) {
    super(`job map: ${problems.join('; ')}`);
    this.name = 'JobMapError';
  }
}

/**
 * Queue name → job → exactly one handler, for the jobs this process consumes. Handlers register while the
 * application initialises (`onModuleInit`); `verify` runs at bootstrap, before any consumer starts, and fails the
 * start when a declared job has no handler or two, so that a wiring mistake is a boot failure, not jobs piling up.
 */
@Injectable()
export class JobMap implements OnApplicationBootstrap {
  private readonly declared = new Map<string, JobDeclaration<unknown>>();
  private readonly handlers = new Map<string, Array<JobHandler<never>>>();
  private verified = false;

  constructor(jobs: Array<JobDeclaration<any>>) {
    for (const job of jobs) this.declared.set(idOf(job), job);
  }

  handle<Payload>(job: JobDeclaration<Payload>, handler: JobHandler<Payload>): void {
    const id = idOf(job);
    this.handlers.set(id, [...(this.handlers.get(id) ?? []), handler as JobHandler<never>]);
    this.verified = false;
  }

  /** Throws `JobMapError` unless every declared job has exactly one handler and every handler a declaration. */
  verify(): void {
    if (this.verified) return;
    const problems: string[] = [];
    for (const id of this.declared.keys()) {
      const count = this.handlers.get(id)?.length ?? 0;
      if (count === 0) problems.push(`${id} has no handler`);
      if (count > 1) problems.push(`${id} has ${count} handlers`);
    }
    for (const id of this.handlers.keys())
      if (!this.declared.has(id)) problems.push(`${id} has a handler but is not declared`);
    if (problems.length) throw new JobMapError(problems);
    this.verified = true;
  }

  /** The one handler of `job` (verifying the whole map first). */
  handlerOf<Payload>(job: JobDeclaration<Payload>): JobHandler<Payload> {
    this.verify();
    const handler = this.handlers.get(idOf(job))?.[0];
    if (!handler) throw new JobMapError([`${idOf(job)} is not declared`]);
    return handler as JobHandler<Payload>;
  }

  onApplicationBootstrap(): void {
    this.verify();
  }
}

/** Provides the `JobMap` of the jobs this process consumes (the worker's). */
@Global()
@Module({})
export class JobMapModule {
  static forRoot(jobs: Array<JobDeclaration<any>>): DynamicModule {
    return {
      module: JobMapModule,
      providers: [{ provide: JobMap, useFactory: () => new JobMap(jobs) }],
      exports: [JobMap],
    };
  }
}
