// Where Ferry keeps its ledger and the station key: FERRY_HOME when set, else the platform's
// application-data folder — the same one the desktop app uses, so the CLI and the app share one
// history and one key on a station.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataFolderContext {
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/** FERRY_HOME, else ~/.local/share/ferry ($XDG_DATA_HOME/ferry), %APPDATA%\Ferry, ~/Library/Application Support/Ferry. */
export function dataFolder(context: DataFolderContext): string {
  const { env } = context;
  if (env.FERRY_HOME) return resolve(env.FERRY_HOME);
  const platform = context.platform ?? process.platform;
  const home = context.home ?? env.HOME ?? env.USERPROFILE ?? homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Ferry');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Ferry');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'ferry');
}
