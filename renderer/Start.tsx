import { useEffect, useRef } from 'react';

export type Screen = 'start' | 'prepare' | 'import' | 'history';

const paths: Array<{ screen: Screen; title: string; who: string; text: string }> = [
  {
    screen: 'prepare',
    title: 'Prepare a transfer',
    who: 'Connected side',
    text: 'Pull images from registries into chunks that fit your USB sticks.',
  },
  {
    screen: 'import',
    title: 'Import and push',
    who: 'Isolated side',
    text: 'Check every byte on the sticks, then push the images into your private registry.',
  },
  {
    screen: 'history',
    title: 'History',
    who: 'Auditor',
    text: 'Who carried what, when, on which media, and whether it verified. Export reports.',
  },
];

export function Start({ onChoose }: { onChoose: (screen: Screen) => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="start-title">
      <h1 id="start-title" ref={heading} tabIndex={-1}>
        What would you like to do?
      </h1>
      <div className="paths">
        {paths.map((p) => (
          // The button holds only the title, so its name is short; who and what it does describe it.
          // The button's ::after stretches over the card, so the whole card stays clickable.
          <div key={p.screen} className="path-card">
            <span className="path-who" id={`path-${p.screen}-who`}>
              {p.who}
            </span>
            <button
              type="button"
              className="path-title"
              aria-describedby={`path-${p.screen}-who path-${p.screen}-text`}
              onClick={() => onChoose(p.screen)}
            >
              {p.title}
            </button>
            <span className="path-text" id={`path-${p.screen}-text`}>
              {p.text}
            </span>
          </div>
        ))}
      </div>
    </section>
  );
}
