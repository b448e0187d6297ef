import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
/**
 * Lints each probe as if it were the file at its path (an existing file, for typed linting) in one ESLint run, in
 * a child process because the flat config is an ES module, and returns the rule ids and messages per probe.
 */
function lintProbes(probes: Array<{ path: string; code: string }>): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const probes = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const probe of probes) {
        const [report] = await eslint.lintText(probe.code, { filePath: probe.path });
        out.push(report.messages.map((m) => m.ruleId + ': ' + m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((error) => { console.error(error); process.exit(1); });
  `;
  const output = execFileSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    input: JSON.stringify(probes),
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[][];
}

const RUNS_SQL = `
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class Probe {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}
  count(): Promise<unknown> {
    return this.dataSource.query('SELECT count(*) FROM issues');
  }
}
`;

const APP_TO_APP = `import { WorkerModule } from '../../worker/src/worker.module';\nexport const m = WorkerModule;\n`;
const DEEP_IMPORT = `import { EventsRepository } from '@app/events/src/events.repository';\nexport const r = EventsRepository;\n`;
const READS_ENV = `export const port = Number(process.env.PORT);\n`;

describe('architecture lint rules bite', () => {
  let sqlInService: string[];
  let sqlInRepository: string[];
  let envInService: string[];
  let appToApp: string[];
  let deepImport: string[];

  beforeAll(() => {
    [sqlInService, sqlInRepository, envInService, appToApp, deepImport] = lintProbes([
      { path: 'libs/issues/src/issues.service.ts', code: RUNS_SQL },
      { path: 'libs/issues/src/issues.repository.ts', code: RUNS_SQL },
      { path: 'libs/issues/src/issues.service.ts', code: READS_ENV },
      { path: 'apps/api/src/api.module.ts', code: APP_TO_APP },
      { path: 'libs/issues/src/issues.service.ts', code: DEEP_IMPORT },
    ]) as [string[], string[], string[], string[], string[]];
  }, 120_000);

  it('SQL and a DataSource outside a repository fail lint; the same code in a repository passes', () => {
    expect(sqlInService).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^no-restricted-syntax: SQL belongs in a \*\.repository\.ts/),
        expect.stringMatching(
          /^@typescript-eslint\/no-restricted-imports: .*only repositories hold a DataSource/,
        ),
      ]),
    );
    expect(sqlInRepository).toEqual([]);
  });

  it('process.env outside the config module fails lint', () => {
    expect(envInService).toEqual([
      expect.stringMatching(/^no-restricted-properties: .*read settings from AppConfig/),
    ]);
  });

  it('an app importing another app, or a lib reaching into another lib, fails lint', () => {
    expect(appToApp).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*apps must not import other apps/),
    ]);
    expect(deepImport).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*import a lib through its index/),
    ]);
  });
});
