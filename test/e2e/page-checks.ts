// Functions that run inside the page (page.evaluate serialises them), typed against the small part of
// the DOM they touch: the Node-side tsconfig has no DOM library, and should not get one.
interface PageElement {
  tagName: string;
  id: string;
  type?: string;
  textContent: string | null;
  outerHTML: string;
  labels?: ArrayLike<PageElement> | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number };

/** Controls with no accessible name, and how far the page scrolls sideways. */
export const stepProblems = () => {
  const unlabelled = Array.from(document.querySelectorAll('input, select, textarea, button'))
    .filter((el) => {
      if (el.type === 'hidden') return false;
      const labels = el.labels ? Array.from(el.labels, (l) => l.textContent ?? '').join('') : '';
      const name = labels || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' ? el.textContent : '');
      return !name?.trim();
    })
    .map((el) => el.outerHTML.slice(0, 120));
  return { unlabelled, overflow: document.documentElement.scrollWidth - window.innerWidth };
};

export const focusedText = () => document.activeElement?.textContent ?? null;
export const focusedId = () => document.activeElement?.id ?? null;
