import { Injectable } from '@nestjs/common';
import { EventsRepository } from '@app/events';
import { UserReportsRepository } from './user-reports.repository';

/** Reports linked per round of the maintenance job. */
const LINK_BATCH = 1000;

/** The user-report part of the maintenance job. */
@Injectable()
export class UserReportsMaintenance {
  constructor(
    private readonly userReports: UserReportsRepository,
    private readonly events: EventsRepository,
  ) {}

  /**
   * Links the reports whose event was stored by a batch running at the same moment as the report's (neither saw
   * the other), and deletes reports older than the event retention.
   */
  async run(retentionDays: number): Promise<{ linked: number; deleted: number }> {
    let linked = 0;
    let afterId = '0';
    for (;;) {
      const unlinked = await this.userReports.unlinked(retentionDays, LINK_BATCH, afterId);
      if (unlinked.length === 0) break;
      const issueOf = await this.events.issueIdsOfEvents(unlinked);
      const links = new Map<string, string>();
      for (const report of unlinked) {
        const issueId = issueOf.get(`${report.projectId}:${report.eventId}`);
        if (issueId) links.set(report.id, issueId);
      }
      linked += await this.userReports.link(links);
      if (unlinked.length < LINK_BATCH) break;
      afterId = unlinked[unlinked.length - 1]!.id;
    }
    const deleted = await this.userReports.deleteOlderThan(retentionDays);
    return { linked, deleted };
  }
}
