// Cards reaching each step of the funnel, as bars: the total, or one series per group (up to
// eight). Chart.js comes with this module only (the Funnel page imports it lazily).

import { useEffect, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const COLOURS = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#0ea5e9', '#84cc16', '#ec4899'];

export interface FunnelChartProps {
  steps: string[];
  series: { label: string; values: number[] }[];
  title: string;
}

export default function FunnelChart({ steps, series, title }: FunnelChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: steps,
        datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: COLOURS[i % COLOURS.length] })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: series.length > 1 } },
      },
    });
    return () => chart.destroy();
  }, [steps, series]);
  return (
    <div class="analytics-chart" data-testid="funnel-chart">
      <canvas ref={canvas} role="img" aria-label={title} />
    </div>
  );
}
