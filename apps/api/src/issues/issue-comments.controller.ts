import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IssueCommentsService, IssueEntity } from '@app/issues';
import { OrganizationRole } from '@app/organizations';
import { AuthContext } from '../auth/auth-context';
import { ApiAuthGuard, RequireScopes } from '../auth/auth.guard';
import { parsePage, setPaginationHeaders } from '../common/pagination';
import { CommentDto, CreateCommentDto } from './dto/comment.dto';
import { serializeComment } from './issue.mapper';
import { IssueRouteScope, issueRoutes } from './issue-routes';
import { notFound } from '../common/tenant-access.service';
import { Resolved, ResolvedTenant } from '../common/tenant.guard';
import { GlitchTipValidationPipe } from '../common/validation.pipe';

type AuthedRequest = Request & { user: AuthContext };

function issueCommentsController(scope: IssueRouteScope) {
  const { base, op, params, tenant } = issueRoutes(scope);

  /** Comments on an issue. Anyone in the organization reads and adds; authors (or admins) edit and delete. */
  @ApiTags('issues')
  @ApiBearerAuth()
  @UseGuards(ApiAuthGuard)
  @UsePipes(GlitchTipValidationPipe)
  @Controller('api/0')
  @params
  class IssueCommentsController {
    constructor(private readonly comments: IssueCommentsService) {}

    @Get(`${base}/comments`)
    @RequireScopes('event:read', 'event:write', 'event:admin')
    @tenant
    @ApiOperation({ operationId: op('list_comments'), summary: 'Comments on an issue, newest first' })
    @ApiQuery({ name: 'cursor', required: false })
    @ApiQuery({ name: 'limit', required: false, type: Number })
    @ApiOkResponse({ type: [CommentDto], description: 'Paginated (Link, X-Hits, X-Max-Hits)' })
    async list(
      @Resolved('issue') issue: IssueEntity,
      @Query() query: Record<string, unknown>,
      @Req() req: AuthedRequest,
      @Res({ passthrough: true }) res: Response,
    ): Promise<CommentDto[]> {
      const page = parsePage(query);
      const { items, total } = await this.comments.list(String(issue.id), page.offset, page.limit);
      setPaginationHeaders(req, res, page, total);
      return items.map((c) => serializeComment(c.comment, c.author));
    }

    @Post(`${base}/comments`)
    @RequireScopes('event:write', 'event:admin')
    @tenant
    @ApiOperation({ operationId: op('add_comment'), summary: 'Comment on an issue' })
    @ApiBody({ type: CreateCommentDto })
    @ApiCreatedResponse({ type: CommentDto })
    async create(
      @Resolved('issue') issue: IssueEntity,
      @Body() body: CreateCommentDto,
      @Req() req: AuthedRequest,
    ): Promise<CommentDto> {
      const comment = await this.comments.create(String(issue.id), String(req.user.user.id), body.data.text);
      return serializeComment(comment, { id: String(req.user.user.id), email: req.user.user.email });
    }

    private async own(req: AuthedRequest, tenant: ResolvedTenant, commentId: string) {
      const comment = await this.comments.find(String(tenant.issue!.id), commentId);
      if (!comment) throw notFound();
      const isAuthor = comment.userId !== null && String(comment.userId) === String(req.user.user.id);
      return { comment, isAuthor, isAdmin: tenant.role >= OrganizationRole.Admin };
    }

    @Put(`${base}/comments/:commentId`)
    @RequireScopes('event:write', 'event:admin')
    @tenant
    @ApiOperation({ operationId: op('update_comment'), summary: 'Edit your comment' })
    @ApiBody({ type: CreateCommentDto })
    @ApiOkResponse({ type: CommentDto })
    async update(
      @Resolved() tenant: ResolvedTenant,
      @Param('commentId') commentId: string,
      @Body() body: CreateCommentDto,
      @Req() req: AuthedRequest,
    ): Promise<CommentDto> {
      const { comment, isAuthor } = await this.own(req, tenant, commentId);
      if (!isAuthor) throw new ForbiddenException({ detail: 'Only the author can edit a comment' });
      const saved = await this.comments.update(comment, body.data.text);
      return serializeComment(saved, { id: String(req.user.user.id), email: req.user.user.email });
    }

    @Delete(`${base}/comments/:commentId`)
    @HttpCode(204)
    @RequireScopes('event:admin')
    @tenant
    @ApiOperation({
      operationId: op('delete_comment'),
      summary: 'Delete a comment (the author, or an organization admin)',
    })
    @ApiNoContentResponse()
    async remove(
      @Resolved() tenant: ResolvedTenant,
      @Param('commentId') commentId: string,
      @Req() req: AuthedRequest,
    ): Promise<void> {
      const { comment, isAuthor, isAdmin } = await this.own(req, tenant, commentId);
      if (!isAuthor && !isAdmin) throw new ForbiddenException({ detail: 'Permission denied' });
      await this.comments.remove(comment);
    }
  }
  return IssueCommentsController;
}

export const IssueCommentsController = issueCommentsController('issue');
export const OrganizationIssueCommentsController = issueCommentsController('organization');
