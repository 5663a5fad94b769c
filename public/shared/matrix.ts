// The priority matrix as the dashboard (Chart.js on canvas) and the board report (SVG, to print sharp) both draw it:
// each driver at its importance (r with the outcome) and performance (its score), the quadrant lines at the averages.
import { isShown, type TDriverFigures } from './kpis';

export interface TMatrixPoint {
  key: string;
  /** Importance: the driver's r with the outcome. */
  x: number;
  /** Performance: the driver's score, 0–100. */
  y: number;
}

/** What a quadrant advises, as the dashboard writes it in the chart. */
export type TQuadrant = 'improve' | 'maintain' | 'monitor' | 'surplus';

/** A driver's importance where it can be shown (not withheld, and an r to show). */
export function driverImportance(figures: TDriverFigures | undefined): { r: number; low: number | null; high: number | null; n: number } | null {
  const importance = figures?.importance;
  return importance && !('suppressed' in importance) && importance.r !== null ? { ...importance, r: importance.r } : null;
}

/** The drivers that have both figures to place, and where the quadrant lines cross (null without a point). */
export function matrixPoints(keys: readonly string[], drivers: Record<string, TDriverFigures>): { points: TMatrixPoint[]; centre: { x: number; y: number } | null } {
  const points = keys.flatMap((key) => {
    const figures = drivers[key];
    const importance = driverImportance(figures);
    const performance = figures?.performance;
    return importance && isShown(performance) ? [{ key, x: importance.r, y: performance.value }] : [];
  });
  const centre = points.length
    ? { x: points.reduce((total, point) => total + point.x, 0) / points.length, y: points.reduce((total, point) => total + point.y, 0) / points.length }
    : null;
  return { points, centre };
}

/** Important and scoring low: improve first; important and scoring well: maintain; the rest matters less. */
export function quadrantOf(point: TMatrixPoint, centre: { x: number; y: number }): TQuadrant {
  if (point.x >= centre.x) return point.y < centre.y ? 'improve' : 'maintain';
  return point.y < centre.y ? 'monitor' : 'surplus';
}

export interface TBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Where each point's label goes so that no two overlap: of eight places around the point (right first, as one reads),
 * the first that touches no label placed before and stays inside the chart; else the place overlapping least. Points
 * are placed from the top left, so the order is stable. `measure` gives a text's width as it will be drawn; `obstacles`
 * are what labels must not cover either (the quadrants' names).
 */
export function placeLabels(
  measure: (text: string) => number,
  points: { x: number; y: number; text: string }[],
  area: TBox,
  obstacles: readonly TBox[] = [],
): { text: string; left: number; baseline: number }[] {
  const height = 12;
  const gap = 6;
  const placed: TBox[] = [...obstacles];
  const overlap = (a: TBox, b: TBox) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  const order = [...points].sort((a, b) => a.y - b.y || a.x - b.x);
  const result: { text: string; left: number; baseline: number }[] = [];
  for (const point of order) {
    if (!point.text) continue;
    const width = measure(point.text);
    const candidates: TBox[] = [
      [gap, -height - 2],
      [gap, 2],
      [-width - gap, -height - 2],
      [-width - gap, 2],
      [-width / 2, -height - gap - 4],
      [-width / 2, gap + 2],
      [gap, -2 * height - 4],
      [gap, height + 4],
    ].map(([dx, dy]) => ({ left: point.x + dx!, top: point.y + dy!, right: point.x + dx! + width, bottom: point.y + dy! + height }));
    const cost = (box: TBox) =>
      placed.reduce((sum, other) => sum + overlap(box, other), 0) +
      // Outside the plot costs as much as covering another label.
      (box.left < area.left || box.right > area.right || box.top < area.top || box.bottom > area.bottom ? width * height : 0);
    const best = candidates.reduce((chosen, box) => (cost(box) < cost(chosen) ? box : chosen));
    placed.push(best);
    result.push({ text: point.text, left: best.left, baseline: best.bottom - 2 });
  }
  return result;
}
