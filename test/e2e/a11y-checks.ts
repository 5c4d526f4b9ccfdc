// Accessibility checks that run inside the page: axe-core (a maintained checker, injected through
// the devtools protocol so the page's strict CSP stays as it is) and two the checker cannot judge —
// the current step's number drawn on its chip, and digests kept whole on their line.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface StyledElement {
  textContent: string | null;
  className: string;
  parentElement: StyledElement | null;
}
declare const document: {
  documentElement: StyledElement;
  querySelector(selector: string): StyledElement | null;
  querySelectorAll(selector: string): ArrayLike<StyledElement>;
  createRange(): {
    selectNodeContents(node: StyledElement): void;
    getClientRects(): ArrayLike<{ top: number }>;
  };
};
declare function getComputedStyle(el: StyledElement): { color: string; backgroundColor: string };
declare const axe: { run(context: unknown, options: unknown): Promise<AxeResults> };

export interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * Serious and critical WCAG 2.x A/AA violations on the page as it is now, and the rules that passed
 * (so a scan that checked nothing cannot pass unseen).
 */
export async function axeScan(page: Page): Promise<{ violations: Violation[]; passed: string[] }> {
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    }),
  );
  const violations = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`.slice(0, 300)),
    }));
  return { violations, passed: results.passes.map((p) => p.id) };
}

/** Contrast of the current step's number against its own circle (null when there is no stepper). */
export const currentStepNumberContrast = (): number | null => {
  const number = document.querySelector('.stepper li.current .step-number');
  if (!number) return null;
  const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  const luminance = (css: string) => {
    const [r, g, b] = rgb(css).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(number);
  const [a, b] = [luminance(style.color), luminance(style.backgroundColor)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (a + 0.05) / (b + 0.05);
};

/** Digests (short ones, up to 40 characters) drawn on more than one line. */
export const brokenDigests = (): string[] =>
  Array.from(document.querySelectorAll('.mono, code'))
    .filter((el) => /sha256:[0-9a-f]{6,}/.test(el.textContent ?? '') && (el.textContent ?? '').length <= 40)
    .filter((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size > 1;
    })
    .map((el) => el.textContent ?? '');

/** The page's background colour (it follows the OS's light or dark setting). */
export const pageBackground = (): string => getComputedStyle(document.documentElement).backgroundColor;
