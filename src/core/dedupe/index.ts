export { DuplicateFinder, FingerprintPacker, findDuplicates, keepOrder } from './find.js';
export type { PackedFingerprints, DedupeFindings } from './find.js';
export { collapseRepeatedBlocks } from './repeated.js';
export { buildMergePlan, mergeGroup, unionTags, isEmptyPlan } from './plan.js';
export type { MergePlan } from './plan.js';
