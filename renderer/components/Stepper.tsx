// Where the person is in a wizard: an ordered list, the current step marked for screen readers.
export function Stepper({ steps, current, label }: { steps: string[]; current: number; label: string }) {
  return (
    <nav aria-label={label} className="stepper">
      <ol>
        {steps.map((step, i) => (
          <li
            key={step}
            aria-current={i === current ? 'step' : undefined}
            className={i < current ? 'done' : i === current ? 'current' : 'todo'}
          >
            <span className="step-number" aria-hidden="true">
              {i < current ? '✓' : i + 1}
            </span>
            {step}
          </li>
        ))}
      </ol>
    </nav>
  );
}
