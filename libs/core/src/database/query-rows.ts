/** Anything that can run SQL: a TypeORM DataSource, EntityManager or QueryRunner, or a pg client. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * The rows of a raw query, whatever shape it came back in: TypeORM answers SELECT/INSERT with the rows,
 * UPDATE/DELETE … RETURNING with `[rows, count]`, and node-postgres with `{ rows }`.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) {
    const dml = result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
    return (dml ? result[0] : result) as T[];
  }
  return ((result as { rows?: T[] } | null)?.rows ?? []) as T[];
}
