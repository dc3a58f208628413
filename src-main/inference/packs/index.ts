/**
 * Model packs (MODELS.md): find, validate, verify, download and sideload the folders
 * that hold a `pack.json` and the ONNX graphs and tokenizer it names.
 *
 * Packs live in the user's models folder (`LABELWRIGHT_MODELS`, else `<userData>/models`),
 * which is the only place this module writes, and in the app's bundled `models/` and
 * `models/fixtures/`, which it only reads (platform/paths.ts says where those are).
 */
export { loadManifest, requiredRoles, validateManifest, MANIFEST_NAME } from './manifest';
export {
  type InstalledPack,
  type InvalidPackDir,
  type FindPackOptions,
  listPacks,
  scanPacks,
  findPack,
  lookupPack,
  inspectPack,
  quickCheck,
  packSha256,
} from './installed-packs';
export { type VerifyResult, type VerifyProgress, verifyPack } from './verify';
export { type DownloadOptions, type DownloadProgress, downloadPack } from './download';
export { type ImportOptions, importPack, removePack } from './user-packs';
export { sha256File } from './hash';
