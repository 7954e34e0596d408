// A small inline SVG of a cumulative P&L series: cheap enough for a row of every table line, so
// the chart library stays out of the leaderboard's first load.
import { plot } from '../lib/format';

export function Sparkline({ values, label }: { values: string[]; label: string }) {
  if (values.length < 2) return <span aria-label={`${label}: no history`}>—</span>;
  const nums = values.map(plot);
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  const span = max - min || 1;
  const w = 96;
  const h = 28;
  const pts = nums.map(
    (v, i) =>
      `${((i / (nums.length - 1)) * w).toFixed(1)},${(h - 2 - ((v - min) / span) * (h - 4)).toFixed(1)}`,
  );
  const up = nums[nums.length - 1]! >= nums[0]!;
  return (
    <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline
        fill="none"
        strokeWidth="1.5"
        stroke={up ? 'var(--pc-positive)' : 'var(--pc-negative)'}
        points={pts.join(' ')}
      />
    </svg>
  );
}
