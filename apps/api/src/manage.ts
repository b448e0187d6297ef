import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  AppConfig,
  ConfigModule,
  createBullQueue,
  DatabaseModule,
  EmbeddedDatabaseHandle,
  listFailedIngestJobs,
  loadConfig,
  openEmbeddedDatabase,
  QueueName,
  requeueFailedIngestJobs,
  Transactions,
  withDataDirSecret,
  RedisModule,
} from '@app/core';
import {
  AccountsService,
  ALL_SCOPES_BITS,
  OrganizationsModule,
  OrganizationsService,
  slugify,
} from '@app/organizations';
import { buildDsn, keyHex, ProjectsModule, ProjectsService } from '@app/projects';
import { migrateDatabase } from './migrate';

const USAGE = `Usage: npm run manage -- <command> [options]

Without DATABASE_URL, commands use the embedded database under GLITCHTIP_DATA_DIR (default .data): through the
running all-in-one server if there is one, otherwise by opening the directory themselves.

Commands:
  migrate                                   apply pending migrations and create upcoming event partitions
  createsuperuser --email E --password P    create a superuser (or reset that user's password)
  bootstrap --email E --password P --org NAME --project NAME [--json]
                                            idempotently create a user, an organization it owns, a team, a
                                            project with a DSN key and an API token with every scope
  failed-jobs [--json]                      list ingest jobs that failed all their attempts (needs REDIS_URL)
  requeue-failed                            put the events of those jobs back in the queue, with every attempt
                                            ahead of them (events already stored are not stored twice)`;

const COMMANDS = ['migrate', 'createsuperuser', 'bootstrap', 'failed-jobs', 'requeue-failed'];
const QUEUE_COMMANDS = ['failed-jobs', 'requeue-failed'];

/** `failed-jobs` and `requeue-failed`: they need Redis only, not the database. */
async function manageFailedJobs(
  config: AppConfig,
  command: string,
  options: Record<string, string | boolean>,
): Promise<number> {
  if (!config.redisUrl) {
    console.log(
      'No REDIS_URL: the in-process queue retries every event until it is stored, so it has no failed jobs.',
    );
    return 0;
  }
  const queue = createBullQueue(config, QueueName.EventIngest);
  try {
    if (command === 'requeue-failed') {
      const { jobs, events } = await requeueFailedIngestJobs(queue);
      console.log(`Requeued ${events} events from ${jobs} failed jobs.`);
      return 0;
    }
    const failed = await listFailedIngestJobs(queue);
    if (options.json) console.log(JSON.stringify(failed));
    else if (failed.length === 0) console.log('No failed ingest jobs.');
    else {
      for (const job of failed) {
        console.log(
          `job ${job.id}: ${job.events} events, accepted ${job.acceptedAt ?? '?'}, failed ${job.failedAt ?? '?'} ` +
            `after ${job.attemptsMade} attempts: ${job.reason}`,
        );
      }
      const events = failed.reduce((sum, job) => sum + job.events, 0);
      console.log(
        `${failed.length} failed jobs (${events} events). Requeue them with: npm run manage -- requeue-failed`,
      );
    }
    return 0;
  } finally {
    await queue.close();
  }
}

export function parseArgs(argv: string[]): { command?: string; options: Record<string, string | boolean> } {
  const [command, ...rest] = argv;
  const options: Record<string, string | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (inline !== undefined) options[name] = inline;
    else if (rest[i + 1] !== undefined && !rest[i + 1]!.startsWith('--')) options[name] = rest[++i]!;
    else options[name] = true;
  }
  return { command, options };
}

function required(options: Record<string, string | boolean>, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`--${name} is required`);
  return value.trim();
}

/** The advisory lock key that serialises `manage bootstrap` runs. */
const BOOTSTRAP_LOCK = 4724754731;

@Module({})
class ManageModule {}

async function withServices<T>(
  config: AppConfig,
  fn: (services: {
    accounts: AccountsService;
    organizations: OrganizationsService;
    projects: ProjectsService;
    transactions: Transactions;
  }) => Promise<T>,
): Promise<T> {
  const app = await NestFactory.createApplicationContext(
    {
      module: ManageModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(),
        // Key changes are published to the api processes' key caches.
        RedisModule,
        OrganizationsModule,
        ProjectsModule,
      ],
    },
    { logger: ['error'] },
  );
  try {
    return await fn({
      accounts: app.get(AccountsService),
      organizations: app.get(OrganizationsService),
      projects: app.get(ProjectsService),
      transactions: app.get(Transactions),
    });
  } finally {
    await app.close();
  }
}

export interface BootstrapResult {
  dsn: string;
  token: string;
  organization: string;
  project: string;
  projectId: string;
}

export async function bootstrap(
  config: AppConfig,
  options: Record<string, string | boolean>,
): Promise<BootstrapResult> {
  const email = required(options, 'email');
  const password = required(options, 'password');
  const orgName = required(options, 'org');
  const projectName = required(options, 'project');
  // One bootstrap at a time, so that concurrent deploy scripts do not create twins.
  return withServices(config, ({ accounts, organizations, projects, transactions }) =>
    transactions.runExclusive(BOOTSTRAP_LOCK, async (m) => {
      const user = await accounts.upsertUser({ email, password }, m);
      const organization =
        (await accounts.findOrganizationOwnedBy(orgName, user.id, m)) ??
        (await accounts.createOrganization(orgName, user.id, m));
      let project = await projects.findBySlug(organization.id, projectName, m);
      if (!project) {
        const member = await accounts.membership(organization.id, user.id, m);
        const teamSlug = organization.slug;
        const teamId =
          (await accounts.findTeamId(organization.id, teamSlug, m)) ??
          (await organizations.createTeam(organization.id, teamSlug, member?.id, m))!;
        const slug = await projects.uniqueSlug(organization.id, slugify(projectName), undefined, m);
        project = (
          await projects.createProject(
            { organizationId: organization.id, name: projectName, slug, teamId },
            m,
          )
        ).project;
      }
      const key =
        (await projects.firstActiveKey(project.id, m)) ??
        (await projects.createKey(project.id, 'Default', m));
      const token = await accounts.ensureDerivedToken(
        user.id,
        'bootstrap',
        ALL_SCOPES_BITS,
        config.secretKey,
        m,
      );
      return {
        dsn: buildDsn(config.domain, keyHex(key.publicKey), project.id),
        token,
        organization: organization.slug,
        project: project.slug,
        projectId: String(project.id),
      };
    }),
  );
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { command, options } = parsed;
  if (!command || command === 'help' || options.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!COMMANDS.includes(command)) {
    console.error(`Unknown command '${command}'.\n\n${USAGE}`);
    return 2;
  }
  let config: AppConfig;
  try {
    config = withDataDirSecret(loadConfig());
  } catch (error) {
    console.error((error as Error).message);
    return 78;
  }
  if (QUEUE_COMMANDS.includes(command)) {
    try {
      return await manageFailedJobs(config, command, options);
    } catch (error) {
      console.error(`${command}: ${(error as Error).message}`);
      return 1;
    }
  }
  let embedded: EmbeddedDatabaseHandle | null = null;
  try {
    if (!config.databaseUrl) embedded = await openEmbeddedDatabase(config.dataDir);
    const databaseUrl = config.databaseUrl ?? embedded!.url;
    switch (command) {
      case 'migrate': {
        const { applied, partitions } = await migrateDatabase(databaseUrl);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
        console.log(`Event partitions ready: ${partitions.join(', ')}`);
        return 0;
      }
      case 'createsuperuser': {
        const email = required(options, 'email');
        const password = required(options, 'password');
        await migrateDatabase(databaseUrl);
        const user = await withServices(config, ({ accounts }) =>
          accounts.upsertUser({ email, password, isSuperuser: true }),
        );
        console.log(`Superuser ${user.email} (id ${user.id}) is ready.`);
        return 0;
      }
      case 'bootstrap': {
        await migrateDatabase(databaseUrl);
        const result = await bootstrap(config, options);
        if (options.json) console.log(JSON.stringify(result));
        else {
          console.log(
            `Organization: ${result.organization}\nProject: ${result.project} (id ${result.projectId})`,
          );
          console.log(`DSN: ${result.dsn}\nAPI token: ${result.token}`);
        }
        return 0;
      }
      default:
        return 2; // unreachable: checked above
    }
  } catch (error) {
    const message = (error as Error).message;
    if (/is required$/.test(message)) console.error(`${message}\n\n${USAGE}`);
    else new Logger('manage').error((error as Error).stack ?? message);
    return 1;
  } finally {
    await embedded?.close();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
