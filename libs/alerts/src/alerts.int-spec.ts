import { DataSource } from 'typeorm';
import { ensurePartitions } from '@app/partitioning';
import {
  createEvent,
  createIssue,
  createOrganization,
  createProject,
  DomainTestApp,
  startDomainApp,
} from '@app/testing';
import { AlertDeliveriesRepository } from './alert-deliveries.repository';
import { AlertEvaluationService } from './alert-evaluation.service';
import { AlertRulesService } from './alert-rules.service';
import { AlertsModule } from './alerts.module';

const MINUTE = 60_000;

describe('alert evaluation and the delivery outbox (PostgreSQL)', () => {
  let t: DomainTestApp;
  let sql: DataSource;
  let rules: AlertRulesService;
  let evaluation: AlertEvaluationService;
  let deliveries: AlertDeliveriesRepository;

  beforeAll(async () => {
    t = await startDomainApp([AlertsModule]);
    sql = t.app.get(DataSource);
    rules = t.app.get(AlertRulesService);
    evaluation = t.app.get(AlertEvaluationService);
    deliveries = t.app.get(AlertDeliveriesRepository);
    await ensurePartitions(sql, new Date(), 2);
  });
  afterAll(() => t.close());

  const rule = (projectId: string, extra: Partial<Parameters<AlertRulesService['create']>[1]> = {}) =>
    rules.create(projectId, {
      name: 'r',
      timespanMinutes: 10,
      quantity: 3,
      uptime: false,
      uptimeQuantity: null,
      uptimeTimespanMinutes: null,
      environment: null,
      recipients: [{ recipientType: 'webhook', url: 'http://127.0.0.1:9/hook', config: {}, tagsToAdd: [] }],
      ...extra,
    });

  it('fires when the window holds `quantity` events, once per generation, even when replicas race', async () => {
    const organization = await createOrganization(sql);
    const projectId = await createProject(sql, organization.id);
    const alert = await rule(projectId);
    const issueId = await createIssue(sql, projectId);
    const now = new Date();
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * MINUTE).toISOString();
    // Two events inside the 10-minute window, one outside: not enough.
    await createEvent(sql, projectId, issueId, at(1));
    await createEvent(sql, projectId, issueId, at(2));
    await createEvent(sql, projectId, issueId, at(30));
    const issues = [{ id: issueId, projectId }];
    expect(await evaluation.evaluate(issues, now)).toBe(0);

    await createEvent(sql, projectId, issueId, at(3));
    // Three evaluations at once (three worker replicas after overlapping batches): one delivery.
    const created = await Promise.all([1, 2, 3].map(() => evaluation.evaluate(issues, now)));
    expect(created.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await evaluation.evaluate(issues, now)).toBe(0);

    // A regression starts generation 1: the rule fires again.
    await deliveries.startNextGeneration([issueId]);
    expect(await evaluation.evaluate(issues, now)).toBe(1);
    const list = await deliveries.ofAlert(alert.id);
    expect(list.map((d) => d.issueIds)).toEqual([[issueId], [issueId]]);

    // Later, the window has moved past the events: nothing fires even in a new generation.
    await deliveries.startNextGeneration([issueId]);
    expect(await evaluation.evaluate(issues, new Date(now.getTime() + 20 * MINUTE))).toBe(0);
  });

  it("counts only the rule's environment, and mails (recipient null) when a rule has no recipients", async () => {
    const organization = await createOrganization(sql);
    const projectId = await createProject(sql, organization.id);
    const production = await rule(projectId, { quantity: 1, environment: 'production' });
    const fallback = await rule(projectId, { quantity: 1, recipients: [] });
    const issueId = await createIssue(sql, projectId);
    await createEvent(sql, projectId, issueId);
    expect(await evaluation.evaluate([{ id: issueId, projectId }])).toBe(1);
    expect(await deliveries.ofAlert(production.id)).toEqual([]);
    expect((await deliveries.ofAlert(fallback.id)).map((d) => d.recipientId)).toEqual([null]);
  });

  it('afterBatch finds the touched issues through last_seen, without the issue ids', async () => {
    const organization = await createOrganization(sql);
    const projectId = await createProject(sql, organization.id);
    const alert = await rule(projectId, { quantity: 1 });
    const since = new Date(Date.now() - MINUTE);
    const touched = await createIssue(sql, projectId);
    const untouched = await createIssue(sql, projectId, {
      lastSeen: new Date(Date.now() - 5 * MINUTE).toISOString(),
    });
    await createEvent(sql, projectId, touched);
    await createEvent(sql, projectId, untouched);
    expect(
      await evaluation.afterBatch({ projectIds: [projectId], receivedSince: since, regressedIssueIds: [] }),
    ).toBe(1);
    expect((await deliveries.ofAlert(alert.id)).map((d) => d.issueIds)).toEqual([[touched]]);
  });

  it('hands each due delivery to one claimer, leases it, and makes a retry due at its backoff', async () => {
    const organization = await createOrganization(sql);
    const projectId = await createProject(sql, organization.id);
    const alert = await rule(projectId, { quantity: 1 });
    const issueId = await createIssue(sql, projectId);
    const now = new Date(Date.now() + MINUTE);
    // Lease what earlier tests left due, so that the claims below see only these four.
    await deliveries.claimDue(now, MINUTE, 1000);
    await sql.transaction((m) =>
      deliveries.insertDeliveries(
        m,
        [1, 2, 3, 4].map(() => ({
          alertId: alert.id,
          recipientId: alert.recipients[0]!.id,
          issueIds: [issueId],
        })),
      ),
    );
    const claims = await Promise.all([
      deliveries.claimDue(now, MINUTE, 3),
      deliveries.claimDue(now, MINUTE, 3),
    ]);
    const mine = claims.flat().filter((d) => d.alertId === alert.id);
    expect(new Set(mine.map((d) => d.id)).size).toBe(mine.length);
    expect(mine).toHaveLength(4);
    expect(mine.every((d) => d.attempts === 1)).toBe(true);
    // Leased: not due again before the lease ends.
    expect((await deliveries.claimDue(now, MINUTE, 10)).filter((d) => d.alertId === alert.id)).toEqual([]);

    const outcome = { ok: false, statusCode: 503, error: 'HTTP 503', durationMs: 12 };
    await deliveries.recordAttempt(mine[0]!, outcome, {
      status: 'pending',
      retryAt: new Date(now.getTime() + 1000),
    });
    expect(await deliveries.claimDue(new Date(now.getTime() + 999), MINUTE, 10)).toEqual([]);
    const [retry] = await deliveries.claimDue(new Date(now.getTime() + 1000), MINUTE, 10);
    expect(retry).toMatchObject({ id: mine[0]!.id, attempts: 2, status: 'pending' });
    await deliveries.recordAttempt(retry!, outcome, { status: 'failed', at: now });
    const [stored] = (await deliveries.ofAlert(alert.id)).filter((d) => d.id === retry!.id);
    expect(stored).toMatchObject({ status: 'failed', attempts: 2 });
    expect(stored!.attemptLog).toEqual([
      { attempt: 1, statusCode: 503, error: 'HTTP 503', durationMs: 12 },
      { attempt: 2, statusCode: 503, error: 'HTTP 503', durationMs: 12 },
    ]);
  });

  it("lists a rule's firings newest first, each with its issues and every delivery's latest attempt", async () => {
    const organization = await createOrganization(sql);
    const projectId = await createProject(sql, organization.id);
    const recipients = [
      { recipientType: 'webhook' as const, url: 'http://127.0.0.1:9/a', config: {}, tagsToAdd: [] },
      { recipientType: 'discord' as const, url: 'http://127.0.0.1:9/b', config: {}, tagsToAdd: [] },
    ];
    const alert = await rule(projectId, { quantity: 1, recipients });
    const other = await rule(projectId, { quantity: 1, recipients: [] });
    const [first, second] = [await createIssue(sql, projectId), await createIssue(sql, projectId)];
    await createEvent(sql, projectId, first);
    await createEvent(sql, projectId, second);
    const issues = [
      { id: first, projectId },
      { id: second, projectId },
    ];
    // One evaluation: one firing of each rule for both issues.
    expect(await evaluation.evaluate(issues)).toBe(3);
    const now = new Date();
    const claimed = (await deliveries.claimDue(now, MINUTE, 1000)).filter((d) => d.alertId === alert.id);
    const toA = claimed.find((d) => d.recipientId === alert.recipients[0]!.id)!;
    await deliveries.recordAttempt(
      toA,
      { ok: false, statusCode: 500, error: 'HTTP 500', durationMs: 5 },
      {
        status: 'pending',
        retryAt: now,
      },
    );
    const [retry] = (await deliveries.claimDue(now, MINUTE, 1000)).filter((d) => d.id === toA.id);
    await deliveries.recordAttempt(
      retry!,
      { ok: true, statusCode: 200, error: null, durationMs: 5 },
      {
        status: 'sent',
        at: now,
      },
    );
    // A regression of the second issue: a later firing for it alone.
    await deliveries.startNextGeneration([second]);
    expect(await evaluation.evaluate([{ id: second, projectId }])).toBe(3);

    const { firings, total } = await deliveries.firingsOfAlert(alert.id, { offset: 0, limit: 10 });
    expect(total).toBe(2);
    expect(firings.map((f) => f.issueIds)).toEqual([[second], [first, second].sort((a, b) => +a - +b)]);
    expect(firings[0]!.created.getTime()).toBeGreaterThanOrEqual(firings[1]!.created.getTime());
    expect(firings[0]!.deliveries.map((d) => [d.recipientType, d.status, d.attempts])).toEqual([
      ['webhook', 'pending', 0],
      ['discord', 'pending', 0],
    ]);
    const [a, b] = firings[1]!.deliveries;
    expect(a).toMatchObject({
      recipientId: alert.recipients[0]!.id,
      recipientType: 'webhook',
      status: 'sent',
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
    });
    expect(a!.lastAttemptAt).toBeInstanceOf(Date);
    // Claimed but without a recorded outcome yet.
    expect(b).toMatchObject({
      recipientType: 'discord',
      status: 'pending',
      attempts: 1,
      lastStatusCode: null,
    });
    expect(b!.lastAttemptAt).toBeNull();

    const older = await deliveries.firingsOfAlert(alert.id, { offset: 1, limit: 1 });
    expect(older).toMatchObject({ total: 2, firings: [{ id: firings[1]!.id }] });
    const fallback = await deliveries.firingsOfAlert(other.id, { offset: 0, limit: 10 });
    expect(fallback.firings.map((f) => f.deliveries.map((d) => d.recipientId))).toEqual([[null], [null]]);
  });
});
