// The application menu. Electron's default one has View → Reload, Force Reload and Toggle Developer
// Tools: in a packaged app Ctrl+R would reload the page in the middle of a transfer, so production
// builds get a menu without them; development keeps them.
import type { MenuItemConstructorOptions } from 'electron';

export function menuTemplate(dev: boolean, platform: string): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { label: '&File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        ...(dev
          ? ([
              { role: 'reload' },
              { role: 'forceReload' },
              { role: 'toggleDevTools' },
              { type: 'separator' },
            ] as const)
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  return template;
}

/** Roles that reload the page or open developer tools: none may be in a production menu. */
export const devOnlyRoles = ['reload', 'forceReload', 'toggleDevTools'] as const;
