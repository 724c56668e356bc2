// The month's cumulative actual against the plan's straight line, day by day. Chart.js is
// loaded with this module only (the plan page imports it lazily), so other pages stay small.

import { useEffect, useRef } from 'preact/hooks';
import {
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);

export interface ProgressChartProps {
  days: number;
  daily: number[];
  target: number;
  labels: { actual: string; plan: string; projection: string };
  format: (v: number) => string;
}

export default function ProgressChart({ days, daily, target, labels, format }: ProgressChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const x = Array.from({ length: days }, (_, i) => String(i + 1));
    const cumulative: number[] = [];
    daily.reduce((sum, v) => {
      cumulative.push(sum + v);
      return sum + v;
    }, 0);
    const elapsed = daily.length;
    const last = cumulative[elapsed - 1] ?? 0;
    const projection = x.map((_, i) => (i + 1 >= elapsed && elapsed > 0 ? (last / elapsed) * (i + 1) : null));
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: {
        labels: x,
        datasets: [
          { label: labels.actual, data: cumulative, borderColor: '#2563eb', backgroundColor: 'rgba(37,99,235,.12)', fill: true, pointRadius: 2 },
          { label: labels.plan, data: x.map((_, i) => (target * (i + 1)) / days), borderColor: '#9ca3af', borderDash: [6, 4], pointRadius: 0 },
          { label: labels.projection, data: projection, borderColor: '#f59e0b', borderDash: [2, 3], pointRadius: 0 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: { y: { beginAtZero: true, ticks: { callback: (v) => format(Number(v)) } } },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${format(Number(c.parsed.y))}` } } },
      },
    });
    return () => chart.destroy();
  }, [days, daily, target, labels, format]);
  return (
    <div class="analytics-chart">
      <canvas ref={canvas} role="img" aria-label={labels.actual} />
    </div>
  );
}
