import {
  AssigneeView,
  displayShortId,
  IssueCommentEntity,
  IssueEntity,
  IssueStatus,
  levelName,
  UserReportEntity,
} from '@app/issues';
import { ProjectEntity } from '@app/projects';
import { typeName } from '../events/event.mapper';

const STATUS_NAMES: Record<IssueStatus, string> = {
  [IssueStatus.Unresolved]: 'unresolved',
  [IssueStatus.Resolved]: 'resolved',
  [IssueStatus.Ignored]: 'ignored',
};
export function statusName(status: IssueStatus): string {
  return STATUS_NAMES[status] ?? 'unresolved';
}

export function serializeIssue(
  issue: IssueEntity,
  project: ProjectEntity,
  baseUrl: string,
  organizationSlug: string,
  extras: { numComments?: number; matchingEventId?: string | null; assignedTo?: AssigneeView | null } = {},
) {
  return {
    id: String(issue.id),
    shortId: displayShortId(project.slug, issue.shortId),
    title: issue.title,
    culprit: issue.culprit,
    count: String(issue.count),
    userCount: issue.userCount,
    numComments: extras.numComments ?? 0,
    type: typeName(issue.type),
    level: levelName(issue.level),
    status: statusName(issue.status),
    statusDetails: issue.statusDetails ?? {},
    metadata: issue.metadata ?? {},
    project: { id: String(project.id), name: project.name, slug: project.slug, platform: project.platform },
    firstSeen: issue.firstSeen.toISOString(),
    lastSeen: issue.lastSeen.toISOString(),
    firstRelease: issue.firstRelease,
    lastRelease: issue.lastRelease,
    platform: issue.platform,
    permalink: `${baseUrl}/${organizationSlug}/issues/${issue.id}`,
    stats: { '24h': [] },
    shareId: null,
    logger: null,
    assignedTo: extras.assignedTo ?? null,
    isPublic: issue.isPublic,
    matchingEventId: extras.matchingEventId ?? null,
    subscriptionDetails: null,
  };
}

/** CommentSchema. */
export function serializeComment(comment: IssueCommentEntity, author: { id: string; email: string } | null) {
  return {
    id: String(comment.id),
    data: { text: comment.text },
    type: 'note',
    dateCreated: comment.created.toISOString(),
    user: author,
  };
}

/** UserReportSchema. */
export function serializeUserReport(report: UserReportEntity) {
  const eventId = report.eventId.replace(/-/g, '');
  return {
    id: String(report.id),
    eventID: eventId,
    event: { eventId },
    name: report.name,
    email: report.email,
    comments: report.comments,
    dateCreated: report.created.toISOString(),
    user: null,
  };
}
