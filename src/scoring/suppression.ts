/**
 * Small-group suppression of a breakdown table. A group below the minimum is hidden (primary suppression); then,
 * within each breakdown dimension, every row of the table (the groups that share the values of all other dimensions)
 * with hidden groups gets more hidden until it hides at least two groups together holding at least the minimum:
 * the row's total minus the groups shown is the sum of the hidden ones, and that sum must not give away a single
 * group, nor a set of responses smaller than the minimum.
 */

/** A group of a breakdown: its value per dimension and its number of responses, plus whatever figures it carries. */
export interface TGroupCount {
  key: Readonly<Record<string, string>>;
  n: number;
}

/**
 * Why a figure is withheld: `small`, fewer responses than the minimum; `complementary`, enough of them, but hidden so
 * that a smaller group beside it cannot be worked out from the total.
 */
export const SUPPRESSION_REASONS = ['small', 'complementary'] as const;
export type TSuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** A group whose figures are withheld: only its key remains, and why. */
export interface TSuppressedGroup {
  key: Readonly<Record<string, string>>;
  n: null;
  suppressed: true;
  reason: TSuppressionReason;
}

export type TSuppressionResult<TGroup extends TGroupCount> = (TGroup & { suppressed: false }) | TSuppressedGroup;

/**
 * Applies primary and complementary suppression to the groups of a breakdown by `dimensions`, returning the groups in
 * their input order. Shown groups are returned unchanged apart from `suppressed: false`; suppressed ones lose every
 * figure.
 *
 * The complement chosen is the smallest shown group of the row (the first of equals in input order), which hides the
 * least information; a row takes complements one at a time until its hidden groups are protected. Groups with n = 0
 * protect nothing (subtracting them reveals the same total), so they do not count as the second hidden group of a
 * row. Rows overlap between dimensions, so a complement may leave another row exposed; the passes repeat until
 * nothing changes. A row holding a single group cannot be protected within the table (its total is the group);
 * reporting that row's total is then the caller's concern.
 */
export function suppressSmallGroups<TGroup extends TGroupCount>(
  groups: readonly TGroup[],
  dimensions: readonly string[],
  minGroupSize: number,
  /** Groups hidden already whatever their n (a KPI's table: groups hidden whole); their n counts as hidden. */
  hiddenAlready: readonly boolean[] = [],
): Array<TSuppressionResult<TGroup>> {
  const suppressed = groups.map((group, index) => group.n < minGroupSize || hiddenAlready[index] === true);
  const primary = [...suppressed];
  const rows = rowsOf(groups, dimensions);
  let changed = true;
  while (changed) {
    changed = false;
    for (const row of rows) {
      let hiddenWithAnswers = 0;
      let hiddenResponses = 0;
      let smallestShown: number | undefined;
      for (const index of row) {
        const group = groups[index]!;
        if (suppressed[index]) {
          if (group.n > 0) hiddenWithAnswers++;
          hiddenResponses += group.n;
        } else if (smallestShown === undefined || group.n < groups[smallestShown]!.n) {
          smallestShown = index;
        }
      }
      const exposed = hiddenWithAnswers === 1 || (hiddenWithAnswers > 1 && hiddenResponses < minGroupSize);
      if (exposed && smallestShown !== undefined) {
        suppressed[smallestShown] = true;
        changed = true;
      }
    }
  }
  return groups.map((group, index) =>
    suppressed[index] ? { key: group.key, n: null, suppressed: true, reason: primary[index] ? 'small' : 'complementary' } : { ...group, suppressed: false },
  );
}

/**
 * The rows of the table along each dimension: for dimension d, the groups that agree on every other dimension. With a
 * single dimension that is one row holding every group.
 */
function rowsOf(groups: readonly TGroupCount[], dimensions: readonly string[]): number[][] {
  const rows: number[][] = [];
  for (const dimension of dimensions) {
    const others = dimensions.filter((other) => other !== dimension);
    const byOtherValues = new Map<string, number[]>();
    groups.forEach((group, index) => {
      // JSON of the value list keeps ("a,b", "c") and ("a", "b,c") apart, which joining with a separator would not.
      const rowKey = JSON.stringify(others.map((other) => group.key[other] ?? null));
      const row = byOtherValues.get(rowKey);
      if (row === undefined) byOtherValues.set(rowKey, [index]);
      else row.push(index);
    });
    for (const row of byOtherValues.values()) if (row.length > 1) rows.push(row);
  }
  return rows;
}
