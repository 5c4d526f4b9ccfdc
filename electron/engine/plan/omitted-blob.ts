// A blob an incremental pull leaves out of the bundle: a receipt from the isolated side shows that the
// target registry already holds it. The pull plans it, the transfer manifest records it, and the push
// mounts it from the repositories named here.
/** A blob an incremental pull left out: receipts show the target registry already holds it. */
export interface OmittedBlob {
  digest: string;
  size: number;
  /** The target registry the receipt names, and the repositories there that hold the blob. */
  registry: string;
  repositories: string[];
  /** The receipt that proves it. */
  receipt: string;
}
