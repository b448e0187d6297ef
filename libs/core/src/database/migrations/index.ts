import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { Accounts1764100000000 } from './1764100000000-accounts';
import { Triage1764200000000 } from './1764200000000-triage';
import { AssignmentFeedback1764300000000 } from './1764300000000-assignment-feedback';
import { Alerts1764400000000 } from './1764400000000-alerts';
import { IngestOutcomes1764500000000 } from './1764500000000-ingest-outcomes';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  Accounts1764100000000,
  Triage1764200000000,
  AssignmentFeedback1764300000000,
  Alerts1764400000000,
  IngestOutcomes1764500000000,
];
