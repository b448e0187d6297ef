import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS = [InitialSchema1764000000000];
