/** The annotation edit rules and geometry, shared by the services and the editor. */
export { roundCoord, roundBox, sameBox, clipBox, checkedBox } from './coordinates';
export { maskGeometry, translateMask, resampleMask, maskFollowingBox, type MaskGeometry } from './mask-geometry';
export { applyPatch, createGeometry, sourceAfterEdit, stateAfterEdit, type Geometry, type ImageSize } from './edit-rules';
