import { IssueEntity, IssueStatus } from '@app/issues';
import { ProjectEntity } from '@app/projects';
import { levelName, typeName } from '../events/event.mapper';

const STATUS_NAMES: Record<IssueStatus, string> = {
  [IssueStatus.Unresolved]: 'unresolved',
  [IssueStatus.Resolved]: 'resolved',
  [IssueStatus.Ignored]: 'ignored',
};
const BASE32 = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'.slice(0, 32);

function base32(value: number): string {
  let out = '';
  let n = value;
  do {
    out = BASE32[n % 32] + out;
    n = Math.floor(n / 32);
  } while (n > 0);
  return out;
}

/** `PROJECT-SLUG-<base32(short id)>`, the display id GlitchTip shows. */
export function displayShortId(projectSlug: string, shortId: number): string {
  return `${projectSlug.toUpperCase()}-${base32(shortId)}`;
}

export function serializeIssue(
  issue: IssueEntity,
  project: ProjectEntity,
  baseUrl: string,
  organizationSlug: string,
) {
  return {
    id: String(issue.id),
    shortId: displayShortId(project.slug, issue.shortId),
    title: issue.title,
    culprit: issue.culprit,
    count: String(issue.count),
    userCount: issue.userCount,
    numComments: 0,
    type: typeName(issue.type),
    level: levelName(issue.level),
    status: STATUS_NAMES[issue.status] ?? 'unresolved',
    statusDetails: issue.statusDetails ?? {},
    metadata: issue.metadata ?? {},
    project: { id: String(project.id), name: project.name, slug: project.slug, platform: project.platform },
    firstSeen: issue.firstSeen.toISOString(),
    lastSeen: issue.lastSeen.toISOString(),
    firstRelease: issue.firstRelease,
    lastRelease: issue.lastRelease,
    platform: issue.platform,
    permalink: `${baseUrl}/${organizationSlug}/issues/${issue.id}`,
    stats: {},
    shareId: null,
    logger: null,
    assignedTo: null,
    isPublic: issue.isPublic,
    matchingEventId: null as string | null,
    subscriptionDetails: null,
  };
}
