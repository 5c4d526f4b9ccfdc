// The facade's file writing: files others read are never seen half-written.
export { writeFileAtomic } from '../util/write-file-atomic.ts';
