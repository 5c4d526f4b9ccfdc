// The facade's sticks: drives, how many sticks a transfer takes, the copy onto them.
export { createDriveLister } from '../media/drives.ts';
export { estimateMedia } from '../media/chunk-fit.ts';
export { copyOntoSticks, planBundleSticks } from '../media/bundle-sticks.ts';
export { copyToStick } from '../media/copy-to-stick.ts';
export { ejectDrive } from '../media/eject.ts';
export { describeVolume, type Volume } from '../media/volume.ts';
