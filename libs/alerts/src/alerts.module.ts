import { Module } from '@nestjs/common';
import { EventsModule } from '@app/events';
import { IssuesModule } from '@app/issues';
import { MailModule } from '@app/mail';
import { OrganizationsModule } from '@app/organizations';
import { ProjectsModule } from '@app/projects';
import { AlertDeliveriesRepository } from './alert-deliveries.repository';
import { AlertDeliveryService } from './alert-delivery.service';
import { AlertEvaluationService } from './alert-evaluation.service';
import { AlertHistoryService } from './alert-history.service';
import { AlertRulesService } from './alert-rules.service';
import { AlertSender } from './alert-sender.service';
import { AlertsRepository } from './alerts.repository';

const REPOSITORIES = [AlertsRepository, AlertDeliveriesRepository];

/** Project alert rules, their evaluation after ingest, and the delivery of notifications (libs/alerts' tables). */
@Module({
  imports: [EventsModule, IssuesModule, OrganizationsModule, ProjectsModule, MailModule],
  providers: [
    AlertSender,
    AlertRulesService,
    AlertEvaluationService,
    AlertDeliveryService,
    AlertHistoryService,
    ...REPOSITORIES,
  ],
  exports: [
    AlertRulesService,
    AlertEvaluationService,
    AlertDeliveryService,
    AlertHistoryService,
    ...REPOSITORIES,
  ],
})
export class AlertsModule {}
