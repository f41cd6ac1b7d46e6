export { DuplicateFinder, FingerprintPacker, findDuplicates, comparableText, scanPost, keepOrder, differentFacts } from './find.js';
export type { PackedFingerprints, DedupeFindings, DuplicateGroup, DuplicateEntry, RepeatedEntry, FindOptions } from './find.js';
export { collapseRepeatedBlocks } from './repeated.js';
export { similarity, roundSimilarity } from './similarity.js';
export { buildMergePlan, mergeGroup, unionTags, isEmptyPlan } from './plan.js';
export type { MergePlan } from './plan.js';
