// electron-builder `beforePack` hook (build/electron-builder.yml): builds the CLI distribution folder
// for the platform and architecture being packaged into release/cli/, where the config's
// extraResources take it into the app's resources/cli. Folders only, no archives: the installers
// are the archive here.
import { buildDist } from '../build-dist.ts';

interface BeforePackContext {
  electronPlatformName: string;
  /** builder-util's Arch enum: ia32 0, x64 1, armv7l 2, arm64 3, universal 4. */
  arch: number;
}

const ARCH: Record<number, string> = { 1: 'x64', 3: 'arm64' };
const OS: Record<string, string> = { linux: 'linux', darwin: 'darwin', mas: 'darwin', win32: 'win' };

export default async function beforePack(context: BeforePackContext): Promise<void> {
  const os = OS[context.electronPlatformName];
  const arch = ARCH[context.arch];
  if (!os || !arch) {
    throw new Error(
      `no Ferry CLI distribution for ${context.electronPlatformName} (arch #${context.arch}); ` +
        `package for x64 or arm64`,
    );
  }
  await buildDist({ platforms: [`${os}-${arch}`], archives: false });
}
