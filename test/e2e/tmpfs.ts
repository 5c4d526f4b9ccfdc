// A real small volume for e2e tests: a tmpfs of a given size, so statfs reports true free space and
// writes past it fail with ENOSPC as on a full stick. Mounting needs root (the tests run as root, as CI
// does); without it the test fails saying so rather than being skipped.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/** Mounts a `size` tmpfs (e.g. '8m') on `dir`; returns the unmount. */
export function mountTmpfs(dir: string, size: string): () => void {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || String(err);
    throw new Error(
      `this test needs a real ${size} volume: "mount -t tmpfs -o size=${size} tmpfs ${dir}" failed (${why}); run the tests as root with mount allowed, as CI does`,
    );
  }
  return () => execFileSync('umount', [dir]);
}
