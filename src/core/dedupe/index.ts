export { DEFAULT_WINDOW_DAYS, DuplicateFinder, FingerprintPacker, findDuplicates, isExcludedFromDedupe, keepOrder } from './find.js';
export type { PackedFingerprints, DedupeFindings } from './find.js';
export { collapseRepeatedBlocks } from './repeated.js';
export { buildMergePlan, mergeGroup, unionTags, isEmptyPlan } from './plan.js';
export type { MergePlan } from './plan.js';
