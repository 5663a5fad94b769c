import { PERIOD_KEY, type TGroupKey, type TKpiFigures, type TKpiSelection, type TSuppressedGroup } from './kpiContract';
import { kpiAnswers, type TEstimate, type TKpi, type TKpiChange, type TKpiName } from './kpis';
import { meanWithTInterval, twoProportionZTest, welchTTest, type TTestResult } from './statistics';
import type { TStats } from './sufficientStats';

/**
 * "Is this change real?" In a trend (a breakdown by period), each shown figure is set beside the same figure of the
 * same group (the other key values alike) in the period before it in the report, with the test that says how likely
 * a difference that large is by chance: two proportions (pooled z) for a % KPI, Welch's t for a mean. Only figures
 * shown in both periods are compared: a suppressed or withheld one is never a starting point, not even for a test.
 */

/** A shown group of a breakdown with the statistics its KPIs were computed from. */
interface TShownGroupWithStats {
  key: TGroupKey;
  suppressed: false;
  kpis: TKpiFigures;
  stats: TStats;
}

/** Decimals of a reported p: enough for "p < 0.001" and for a threshold of 0.05. */
const P_DECIMALS = 4;

/**
 * The groups of a breakdown, ready to report: in a period breakdown every shown KPI (NPS aside) carries `change`, its
 * change from the previous period or null where there is none to compare with; the statistics are left behind.
 *
 * The previous period is the one before it among the periods of the report (a period without any responses has no
 * groups and is not in the report). NPS gets no change: it is the difference of two shares of one sample, which
 * neither a test of two proportions nor of two means fits.
 */
export function withPeriodChanges<TShown extends TShownGroupWithStats>(
  groups: ReadonlyArray<TShown | TSuppressedGroup>,
  selection: Pick<TKpiSelection, 'period' | 'minGroupSize'>,
): Array<Omit<TShown, 'stats'> | TSuppressedGroup> {
  const withoutStats = ({ stats: _stats, ...group }: TShown): Omit<TShown, 'stats'> => group;
  if (selection.period === null) return groups.map((group) => (group.suppressed ? group : withoutStats(group)));
  const periods = [...new Set(groups.map(periodOf))].sort();
  const byOtherValues = new Map<string, Map<string, TShown | TSuppressedGroup>>();
  for (const group of groups) {
    const sameOthers = byOtherValues.get(otherValuesOf(group.key)) ?? new Map<string, TShown | TSuppressedGroup>();
    sameOthers.set(periodOf(group), group);
    byOtherValues.set(otherValuesOf(group.key), sameOthers);
  }
  return groups.map((group) => {
    if (group.suppressed) return group;
    const vs = periods[periods.indexOf(periodOf(group)) - 1];
    const previous = vs === undefined ? undefined : byOtherValues.get(otherValuesOf(group.key))?.get(vs);
    const comparison = vs !== undefined && previous !== undefined && !previous.suppressed ? { vs, previous, minGroupSize: selection.minGroupSize } : null;
    return { ...withoutStats(group), kpis: changedKpis(group, comparison) };
  });
}

const periodOf = (group: { key: TGroupKey }): string => group.key[PERIOD_KEY] ?? '';

/** The key's values other than the period, in a fixed order: what a group and its previous period share. */
function otherValuesOf(key: TGroupKey): string {
  return JSON.stringify(
    Object.keys(key)
      .filter((name) => name !== PERIOD_KEY)
      .sort()
      .map((name) => [name, key[name]]),
  );
}

/** A shown group of the previous period, to compare with. */
interface TComparison {
  vs: string;
  previous: TShownGroupWithStats;
  minGroupSize: number;
}

function changedKpis(current: TShownGroupWithStats, comparison: TComparison | null): TKpiFigures {
  const withChange = <TFigure extends TKpi | null>(name: TKpiName, kpi: TFigure, before: TKpi | null | undefined): TFigure => {
    if (kpi === null || 'suppressed' in kpi) return kpi;
    return { ...kpi, change: comparison === null ? null : changeOf(name, kpi, before, current.stats, comparison) };
  };
  const { kpis } = current;
  const previous = comparison?.previous.kpis;
  return {
    ...kpis,
    csat: withChange('csat', kpis.csat, previous?.csat),
    ces: withChange('ces', kpis.ces, previous?.ces),
    trust: withChange('trust', kpis.trust, previous?.trust),
    humaneness: withChange('humaneness', kpis.humaneness, previous?.humaneness),
    drivers: Object.fromEntries(Object.entries(kpis.drivers).map(([driver, kpi]) => [driver, withChange(`drivers.${driver}`, kpi, previous?.drivers[driver])])),
  };
}

function changeOf(name: TKpiName, kpi: TEstimate, before: TKpi | null | undefined, stats: TStats, comparison: TComparison): TKpiChange | null {
  if (!before || 'suppressed' in before || kpi.n < comparison.minGroupSize || before.n < comparison.minGroupSize) return null;
  const proportion = name === 'csat' || name === 'trust' || name === 'humaneness';
  const result = proportion ? topBoxTest(stats, comparison.previous.stats, name) : meanTest(stats, comparison.previous.stats, name);
  if (result === null) return null;
  return {
    vs: comparison.vs,
    // The difference of the figures as reported; rounding clears the binary noise of 72.3 − 68.1 = 4.1999….
    difference: Math.round((kpi.value - before.value) * 100) / 100,
    p: Math.round(result.p * 10 ** P_DECIMALS) / 10 ** P_DECIMALS,
    test: proportion ? 'two-proportion-z' : 'welch-t',
  };
}

/** The % KPIs count the answers 4–5 of their 1–5 scale. */
function topBoxTest(current: TStats, previous: TStats, name: TKpiName): TTestResult | null {
  const topBox = (stats: TStats) => {
    const answers = kpiAnswers(stats, name);
    return { successes: answers.countBetween(4, 5), n: answers.n };
  };
  return twoProportionZTest(topBox(current), topBox(previous));
}

/** CES and the driver scores are means; a driver's 0–100 score is linear in its 1–5 answers, so t is the same on either. */
function meanTest(current: TStats, previous: TStats, name: TKpiName): TTestResult | null {
  const moments = (stats: TStats) => {
    const answers = kpiAnswers(stats, name);
    const estimate = meanWithTInterval(answers.n, answers.sum, answers.sumOfSquares);
    return estimate?.variance == null ? null : { n: answers.n, mean: estimate.mean, variance: estimate.variance };
  };
  const first = moments(current);
  const second = moments(previous);
  return first && second ? welchTTest(first, second) : null;
}
