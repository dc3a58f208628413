/**
 * COCO mask codecs: RLE (pycocotools-compatible), polygon rasterisation, contour tracing
 * and connected components. Pure TypeScript, no dependencies; usable from any process.
 */
export type { BinaryMask, Counts, UncompressedRle } from './types';
export { encodeCounts } from './rle-encode';
export { decodeCounts } from './rle-decode';
export { encodeMask, decodeRle, toCompressed, countsOf } from './rle';
export { countsToString, stringToCounts } from './rle-string';
export { mergeCounts, sumCounts } from './rle-merge';
export { rleArea, rleBbox, rleIou, rleMerge, rleCrop, rleFromBbox } from './rle-ops';
export { rasterizePolygons, polygonsCounts, polygonCounts, bboxCounts } from './polygon';
export { traceContours, maskToCocoPolygons } from './trace';
export type { ContourSet } from './trace';
export { connectedComponents, labelComponents } from './components';
export type { ComponentLabels } from './components';
