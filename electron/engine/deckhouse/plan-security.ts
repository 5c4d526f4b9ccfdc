// Security databases (Trivy's vulnerability DB, the BDU database, the Java DB and the policy checks),
// each one tag at `<edition>/security/<db>`. Like d8, the phase is skipped when trivy-db is absent
// (editions without the scanner); the others travel when the source has them.
import type { PlanContext } from './plan-context.ts';

export const SECURITY_DATABASES: ReadonlyArray<{ name: string; tag: string }> = [
  { name: 'trivy-db', tag: '2' },
  { name: 'trivy-bdu', tag: '1' },
  { name: 'trivy-java-db', tag: '1' },
  { name: 'trivy-checks', tag: '0' },
];

/** Plans the databases present in the source; returns their names ([] when the phase is skipped). */
export async function planSecurity(ctx: PlanContext): Promise<string[]> {
  const [gate] = SECURITY_DATABASES;
  if (!(await ctx.exists(ctx.repo(`security/${gate!.name}`), gate!.tag))) {
    ctx.log(
      `${ctx.registry}/${ctx.repo(`security/${gate!.name}`)}:${gate!.tag} not found: no security databases`,
    );
    return [];
  }
  const present = await Promise.all(
    SECURITY_DATABASES.map((db) =>
      ctx.limit(async () => ((await ctx.exists(ctx.repo(`security/${db.name}`), db.tag)) ? db : undefined)),
    ),
  );
  const out: string[] = [];
  for (const db of present) {
    if (!db) continue;
    ctx.add(ctx.repo(`security/${db.name}`), db.tag, `security/${db.name}`, db.tag);
    out.push(db.name);
  }
  return out;
}
