// The facade's bundles: opening one (a folder or one per stick), who signed it, whether it is whole.
export { archiveOfFile, bundleFoldersIn, openBundle, type OpenedBundle } from '../bundle/open-bundle.ts';
export type { TransferManifest } from '../bundle/transfer-manifest.ts';
export {
  checkManifestSignature,
  describeSignature,
  type SignatureCheck,
} from '../signing/manifest-signature.ts';
export { verify, type VerifyJobReport } from '../jobs/verify.ts';
export { d8PushProblems } from '../bundle/d8-pushable.ts';
