export * from './auth';
export * from './body';
export * from './envelope';
export * from './errors';
export * from './json';
export * from './store';
