import type { DeckhouseDraft } from './draft.ts';

/** A Deckhouse distribution: edition, releases, and which parts (platform, security DBs, modules). */
export function DeckhouseFields({
  value,
  onChange,
  registry,
}: {
  value: DeckhouseDraft;
  onChange: (value: DeckhouseDraft) => void;
  registry: string;
}) {
  const set = (patch: Partial<DeckhouseDraft>) => onChange({ ...value, ...patch });
  return (
    <div className="deckhouse">
      <div className="field">
        <label htmlFor="dh-edition">Edition path (required)</label>
        <input
          id="dh-edition"
          type="text"
          spellCheck={false}
          placeholder="deckhouse/ee"
          value={value.edition}
          aria-describedby="dh-edition-hint"
          onChange={(e) => set({ edition: e.target.value })}
        />
        <p id="dh-edition-hint" className="hint">
          Under {registry || 'the source registry'}, e.g. deckhouse/ee for registry.deckhouse.ru/deckhouse/ee.
        </p>
      </div>
      <fieldset>
        <legend>Releases</legend>
        <div className="checks">
          <label>
            <input
              type="radio"
              name="dh-release"
              checked={value.release === 'channels'}
              onChange={() => set({ release: 'channels' })}
            />
            The version of every release channel (alpha, beta, early-access, stable, rock-solid)
          </label>
          <label>
            <input
              type="radio"
              name="dh-release"
              checked={value.release === 'tag'}
              onChange={() => set({ release: 'tag' })}
            />
            One version
          </label>
          <label>
            <input
              type="radio"
              name="dh-release"
              checked={value.release === 'since'}
              onChange={() => set({ release: 'since' })}
            />
            Every version since
          </label>
        </div>
        {value.release !== 'channels' && (
          <div className="field">
            <label htmlFor="dh-version">Version</label>
            <input
              id="dh-version"
              type="text"
              placeholder="v1.69.2"
              value={value.version}
              onChange={(e) => set({ version: e.target.value })}
            />
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Parts</legend>
        <div className="checks">
          <label>
            <input
              type="checkbox"
              checked={value.platform}
              onChange={(e) => set({ platform: e.target.checked })}
            />
            Platform (Deckhouse, installer, release channels)
          </label>
          <label>
            <input
              type="checkbox"
              checked={value.securityDatabases}
              onChange={(e) => set({ securityDatabases: e.target.checked })}
            />
            Security databases (trivy-db, trivy-bdu, trivy-java-db, trivy-checks)
          </label>
          <label>
            <input
              type="checkbox"
              checked={value.modules}
              onChange={(e) => set({ modules: e.target.checked })}
            />
            Modules
          </label>
        </div>
      </fieldset>
      <div className="row">
        <div className="field">
          <label htmlFor="dh-include">Only these modules</label>
          <textarea
            id="dh-include"
            rows={3}
            spellCheck={false}
            placeholder={'console@~1.3.0\nstronghold'}
            value={value.include}
            aria-describedby="dh-filter-hint"
            onChange={(e) => set({ include: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="dh-exclude">All modules but these</label>
          <textarea
            id="dh-exclude"
            rows={3}
            spellCheck={false}
            value={value.exclude}
            aria-describedby="dh-filter-hint"
            onChange={(e) => set({ exclude: e.target.value })}
          />
        </div>
      </div>
      <p id="dh-filter-hint" className="hint">
        One filter a line: name, name@1.3.0 (1.3.0 up to 2), name@~1.3.0, name@=v1.3.0 or name@=v1.3.0+stable.
        Use one list or the other, not both.
      </p>
    </div>
  );
}
