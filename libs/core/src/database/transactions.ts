import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A transaction handed to repository methods; services pass it along without running SQL on it. */
export type Tx = EntityManager;

/** Runs a unit of work over several repositories in one transaction. */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Like `run`, but first takes a transaction-scoped advisory lock on `key`, so that concurrent runs of the same
   * work (two `manage` commands, two replicas) happen one after the other.
   */
  runExclusive<T>(key: number, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [key]);
      return work(tx);
    });
  }

  /** Resolves once the database answers a trivial statement; rejects with the driver's error otherwise. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
