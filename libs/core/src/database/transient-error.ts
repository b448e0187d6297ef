/**
 * PostgreSQL errors worth retrying: connection loss, serialization failures, deadlocks, shutdown, overload. They say
 * nothing about the data being written, so they must never count against a job's attempts.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (typeof e?.code === 'string') {
    if (/^(08|53|57P)/.test(e.code) || e.code === '40001' || e.code === '40P01') return true;
    if (/^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN)$/.test(e.code)) return true;
  }
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i.test(
    e?.message ?? '',
  );
}
