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
          <button key={p.screen} type="button" className="path-card" onClick={() => onChoose(p.screen)}>
            <span className="path-who">{p.who}</span>
            <span className="path-title">{p.title}</span>
            <span className="path-text">{p.text}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
