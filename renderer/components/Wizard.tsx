import { Fragment, type ReactNode } from 'react';
import type { ErrorDTO } from '../../shared/errors.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { Stepper } from './Stepper.tsx';
import { WizardNav } from './WizardNav.tsx';

/** One step of a wizard. Its place in the wizard's array is its place in the wizard: Back and Next follow it. */
export interface WizardStep<Id extends string> {
  id: Id;
  /** Its name in the stepper. */
  title: string;
  render: () => ReactNode;
  /** Back and Next at its foot. A step without them (a running job, the end) is left by the job's outcome. */
  nav?: {
    /** Why Next is not possible yet. */
    blocked?: string;
    nextLabel?: string;
    /**
     * Runs instead of going on: calls goOn to go to the following step, or starts a job and leaves it to
     * the job's start or outcome to move the wizard.
     */
    onNext?: (goOn: () => void) => void;
  };
}

/** A wizard's frame: the stepper, the current step, an error and the step's Back / Next. */
export function Wizard<Id extends string>({
  title,
  label,
  steps,
  current,
  go,
  onHome,
  error,
}: {
  title: string;
  /** The stepper's accessible name. */
  label: string;
  steps: Array<WizardStep<Id>>;
  current: Id;
  go: (id: Id) => void;
  /** Where Back leads from the first step. */
  onHome: () => void;
  error: ErrorDTO | undefined;
}) {
  const at = steps.findIndex((s) => s.id === current);
  const step = steps[at];
  if (!step) throw new Error(`The wizard has no step "${current}".`);
  const before = steps[at - 1];
  const after = steps[at + 1];
  const goOn = () => {
    if (after) go(after.id);
  };
  const nav = step.nav;
  return (
    <div className="wizard">
      <h1>{title}</h1>
      <Stepper steps={steps.map((s) => s.title)} current={at} label={label} />
      {/* Keyed so each step mounts afresh, even beside one of the same shape: its heading takes focus. */}
      <Fragment key={step.id}>{step.render()}</Fragment>
      {error && <ErrorNotice error={error} />}
      {nav && (
        <WizardNav
          onBack={before ? () => go(before.id) : onHome}
          onNext={() => (nav.onNext ? nav.onNext(goOn) : goOn())}
          nextLabel={nav.nextLabel}
          blocked={nav.blocked}
        />
      )}
    </div>
  );
}
