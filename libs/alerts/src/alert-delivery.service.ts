import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';
import { AlertDeliveriesRepository, AlertDelivery } from './alert-deliveries.repository';
import { AlertSender } from './alert-sender.service';
import { AlertsRepository } from './alerts.repository';
import { AttemptOutcome, REQUEST_TIMEOUT_MS } from './http-post';

/** Deliveries taken at once by one process. */
const CLAIM_SIZE = 20;
/** A claimed delivery is not taken again before this; longer than any one attempt can last. */
const LEASE_MS = 6 * REQUEST_TIMEOUT_MS;

/**
 * Drains the delivery outbox: each due delivery gets one attempt, recorded with its outcome; a failure is retried
 * after ALERT_DELIVERY_BACKOFF_MS doubled per attempt, and after ALERT_DELIVERY_ATTEMPTS it is kept as failed.
 */
@Injectable()
export class AlertDeliveryService {
  private readonly logger = new Logger(AlertDeliveryService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deliveries: AlertDeliveriesRepository,
    private readonly rules: AlertsRepository,
    private readonly sender: AlertSender,
  ) {}

  /** Delivers everything due now; returns how many attempts were made. */
  async deliverDue(clock: () => Date = () => new Date()): Promise<number> {
    let attempts = 0;
    for (;;) {
      const due = await this.deliveries.claimDue(clock(), LEASE_MS, CLAIM_SIZE);
      if (due.length === 0) return attempts;
      for (const delivery of due) {
        await this.attempt(delivery, clock);
        attempts++;
      }
    }
  }

  private async attempt(delivery: AlertDelivery, clock: () => Date): Promise<void> {
    let outcome: AttemptOutcome;
    let permanent = false;
    try {
      const rule = await this.rules.findById(delivery.alertId);
      const recipient = delivery.recipientId
        ? (rule?.recipients.find((r) => r.id === delivery.recipientId) ?? null)
        : null;
      const message = rule && (await this.sender.messageFor(rule, delivery.issueIds, clock()));
      if (!rule || !message || (delivery.recipientId && !recipient)) {
        permanent = true;
        outcome = {
          ok: false,
          statusCode: null,
          error: 'the rule, recipient or issues no longer exist',
          durationMs: 0,
        };
      } else {
        outcome = await this.sender.send(rule, recipient, { ...message, deliveryId: delivery.id });
      }
    } catch (error) {
      outcome = { ok: false, statusCode: null, error: (error as Error).message, durationMs: 0 };
    }
    const now = clock();
    if (outcome.ok) {
      await this.deliveries.recordAttempt(delivery, outcome, { status: 'sent', at: now });
    } else if (permanent || delivery.attempts >= this.config.alerts.deliveryAttempts) {
      this.logger.warn(
        `alert delivery ${delivery.id} failed for good after ${delivery.attempts} attempts: ${outcome.error}`,
      );
      await this.deliveries.recordAttempt(delivery, outcome, { status: 'failed', at: now });
    } else {
      const delayMs = this.config.alerts.deliveryBackoffMs * 2 ** (delivery.attempts - 1);
      await this.deliveries.recordAttempt(delivery, outcome, {
        status: 'pending',
        retryAt: new Date(now.getTime() + delayMs),
      });
    }
  }
}
