export * from './partitions.repository';
