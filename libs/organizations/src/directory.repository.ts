import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Lookups of users, members and teams by id, e-mail or slug, for the libs that show or assign them. */
@Injectable()
export class DirectoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The team of the organization with this slug or id. */
  async teamIdInOrganization(organizationId: string, slugOrId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM teams WHERE organization_id = $1 AND (slug = $2 OR id::text = $2)`,
      [organizationId, slugOrId.toLowerCase()],
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  /** The member of the organization with this user id or e-mail (case-insensitive). */
  async memberUserId(organizationId: string, idOrEmail: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT u.id FROM organization_users ou JOIN users u ON u.id = ou.user_id
        WHERE ou.organization_id = $1 AND (u.id::text = $2 OR lower(u.email) = lower($2))`,
      [organizationId, idOrEmail],
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  async usersByIds(ids: string[]): Promise<Array<{ id: string; name: string; email: string }>> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string; name: string; email: string }> = await this.dataSource.query(
      `SELECT id, name, email FROM users WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map((r) => ({ id: String(r.id), name: r.name, email: r.email }));
  }

  async teamsByIds(ids: string[]): Promise<Array<{ id: string; slug: string }>> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string; slug: string }> = await this.dataSource.query(
      `SELECT id, slug FROM teams WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map((r) => ({ id: String(r.id), slug: r.slug }));
  }
}
