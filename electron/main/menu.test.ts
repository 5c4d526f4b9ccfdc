// The application menu: a packaged (production) build has no Reload, Force Reload or DevTools — a
// reload mid-transfer would leave the page without its job — while development keeps them.
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { devOnlyRoles, menuTemplate } from './menu.ts';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [
    ...(i.role ? [i.role] : []),
    ...(Array.isArray(i.submenu) ? roles(i.submenu) : []),
  ]);
}

describe('application menu', () => {
  for (const platform of ['linux', 'win32', 'darwin']) {
    it(`has no reload or developer tools in production (${platform})`, () => {
      const production = roles(menuTemplate(false, platform));
      for (const role of devOnlyRoles) expect(production).not.toContain(role);
      expect(production).toEqual(expect.arrayContaining(['editMenu', 'windowMenu', 'zoomIn']));
      // viewMenu's default submenu holds Reload: never used.
      expect(production).not.toContain('viewMenu');
    });
  }

  it('keeps reload and developer tools in development', () => {
    const dev = roles(menuTemplate(true, 'linux'));
    for (const role of devOnlyRoles) expect(dev).toContain(role);
  });

  it('quits from File on Linux and Windows; macOS has its app menu', () => {
    expect(roles(menuTemplate(false, 'linux'))).toContain('quit');
    expect(roles(menuTemplate(false, 'darwin'))[0]).toBe('appMenu');
  });
});
