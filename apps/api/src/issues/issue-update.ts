import { BadRequestException } from '@nestjs/common';
import {
  IssueActionError,
  IssueAssignmentService,
  IssueMergeService,
  IssuesService,
  STATUS_BY_NAME,
} from '@app/issues';
import { UpdateIssueDto } from './dto/update-issue.dto';

/** What gets stored as statusDetails: only meaningful with `resolved` (release guards) or `ignored`. */
export function statusDetailsFor(body: UpdateIssueDto): Record<string, unknown> {
  const details = body.statusDetails ?? {};
  if (body.status === 'resolved') {
    if (details.inNextRelease === true || details.inNextRelease === 'true') return { inNextRelease: true };
    if (typeof details.inRelease === 'string' && details.inRelease) return { inRelease: details.inRelease };
    return {};
  }
  if (body.status === 'ignored') return details;
  return {};
}

/**
 * One PUT's changes to the selected issues, the same for one issue and for a bulk selection. The assignee is
 * checked before anything changes, so a wrong one changes nothing.
 */
export async function applyIssueUpdate(
  {
    issues,
    assignment,
    merging,
  }: { issues: IssuesService; assignment: IssueAssignmentService; merging: IssueMergeService },
  organizationId: string,
  ids: string[],
  body: UpdateIssueDto,
): Promise<void> {
  try {
    const assignee =
      body.assignedTo === undefined ? undefined : await assignment.resolve(organizationId, body.assignedTo);
    if (assignee) await assignment.checkAccess(ids, assignee);
    if (body.status) {
      await issues.setStatus(ids, {
        status: STATUS_BY_NAME[body.status]!,
        statusDetails: statusDetailsFor(body),
      });
    }
    if (assignee !== undefined) await assignment.assign(ids, assignee);
    if (body.merge) await merging.merge(ids);
  } catch (error) {
    if (error instanceof IssueActionError) throw new BadRequestException({ detail: error.message });
    throw error;
  }
}
