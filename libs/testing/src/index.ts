export * from './test-database';
export * from './domain-app';
export * from './factories';
