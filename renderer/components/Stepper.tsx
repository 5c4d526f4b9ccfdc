// Where the person is in a wizard: an ordered list; the current step is marked (aria-current) and each
// step's state is also said in words, for screen readers (the ✓ and the number are only drawn).
const stateWords = ['done', 'current step', 'not started'] as const;

export function Stepper({ steps, current, label }: { steps: string[]; current: number; label: string }) {
  return (
    <nav aria-label={label} className="stepper">
      <ol>
        {steps.map((step, i) => {
          const state = i < current ? 0 : i === current ? 1 : 2;
          return (
            <li
              key={step}
              aria-current={i === current ? 'step' : undefined}
              className={['done', 'current', 'todo'][state]}
            >
              <span className="step-number" aria-hidden="true">
                {i < current ? '✓' : i + 1}
              </span>
              {step}
              <span className="visually-hidden">, {stateWords[state]}</span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
