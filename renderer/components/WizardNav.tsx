/** Back / Next at the foot of a wizard step; a disabled Next says why. */
export function WizardNav({
  onBack,
  onNext,
  nextLabel = 'Next',
  blocked,
}: {
  onBack?: () => void;
  onNext?: () => void;
  nextLabel?: string;
  /** Why Next is not possible yet. */
  blocked?: string | undefined;
}) {
  return (
    <div className="wizard-nav">
      {onBack && (
        <button type="button" onClick={onBack}>
          Back
        </button>
      )}
      {onNext && (
        <button
          type="button"
          className="primary"
          onClick={onNext}
          disabled={blocked !== undefined}
          aria-describedby={blocked ? 'next-blocked' : undefined}
        >
          {nextLabel}
        </button>
      )}
      {blocked && (
        <span id="next-blocked" className="hint">
          {blocked}
        </span>
      )}
    </div>
  );
}
