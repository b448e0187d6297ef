export {
  computeGroupingHash,
  normalizeMessageForGrouping,
  normalizeFilename,
  GROUPING_VERSION,
} from './grouping';
export type {
  GroupingEvent,
  GroupingException,
  GroupingFrame,
  GroupingResult,
  GroupingStacktrace,
} from './grouping.types';
