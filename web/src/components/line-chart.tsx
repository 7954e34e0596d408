// A time-series line drawn with TradingView's lightweight-charts (loaded with the pages that need
// it). The canvas is one image for assistive technology: `label` says what it shows, and every
// page keeps the figures themselves in text next to it.
import { Box, useComputedColorScheme } from '@mantine/core';
import {
  AreaSeries,
  ColorType,
  createChart,
  LineSeries,
  type IChartApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';

export interface SeriesSpec {
  name: string;
  points: { at: string; value: number }[];
  color?: string;
  area?: boolean;
}

// Lightweight-charts draws times in UTC: shift each by the viewer's offset so the axis reads in
// their own zone.
function localTime(iso: string): UTCTimestamp {
  const ms = iso.length === 10 ? Date.parse(`${iso}T00:00:00Z`) : Date.parse(iso);
  const shift = iso.length === 10 ? 0 : -new Date(ms).getTimezoneOffset() * 60_000;
  return Math.floor((ms + shift) / 1000) as UTCTimestamp;
}

export function LineChart({
  series,
  label,
  height = 260,
}: {
  series: SeriesSpec[];
  label: string;
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const scheme = useComputedColorScheme('light');
  useEffect(() => {
    if (!ref.current) return;
    const dark = scheme === 'dark';
    const chart: IChartApi = createChart(ref.current, {
      height,
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: dark ? '#c9c9c9' : '#333',
        attributionLogo: false,
      },
      grid: {
        vertLines: { color: dark ? '#2c2e33' : '#eee' },
        horzLines: { color: dark ? '#2c2e33' : '#eee' },
      },
      rightPriceScale: { borderVisible: false },
      timeScale: { borderVisible: false, timeVisible: true },
      handleScroll: false,
      handleScale: false,
    });
    const palette = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9'];
    series.forEach((s, i) => {
      const color = s.color ?? palette[i % palette.length]!;
      const data = dedupe(s.points.map((p) => ({ time: localTime(p.at), value: p.value })));
      const line = s.area
        ? chart.addSeries(AreaSeries, {
            lineColor: color,
            topColor: `${color}55`,
            bottomColor: `${color}05`,
            lineWidth: 2,
            title: s.name,
          })
        : chart.addSeries(LineSeries, { color, lineWidth: 2, title: s.name });
      line.setData(data);
    });
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [series, scheme, height]);
  return <Box ref={ref} role="img" aria-label={label} h={height} w="100%" />;
}

function dedupe(points: { time: UTCTimestamp; value: number }[]) {
  const out: typeof points = [];
  for (const p of [...points].sort((a, b) => a.time - b.time)) {
    if (out.length && out[out.length - 1]!.time === p.time) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}
