/** The Dashboard page's four charts as ECharts options, from the dashboard's answer. */
import type { DashboardAnswer } from '../../../contract/stats.js';
import type { ChartOption } from '../../components/Chart.js';
import { CARRIER_NAMES, STATUS_META } from '../../components/MessageStatus.js';
import { fill, type Lang } from '../../i18n.js';
import type { DashboardTexts } from './texts.js';

/** The four charts' ECharts options. */
export function chartOptions(data: DashboardAnswer | null, t: DashboardTexts, lang: Lang) {
  const status = (s: string) => STATUS_META[s]?.[lang] ?? s;
  const carrier = (c: string) => CARRIER_NAMES[c]?.[lang] ?? c;
  const dailyOption: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [t.total, t.delivered, t.failed, t.uplinkSeries] },
    grid: { left: 48, right: 24, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: data?.daily.map((d) => d.day.slice(5)) ?? [] },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: t.total,
        type: 'line',
        smooth: true,
        areaStyle: { opacity: 0.08 },
        data: data?.daily.map((d) => d.total),
      },
      { name: t.delivered, type: 'line', smooth: true, data: data?.daily.map((d) => d.delivered) },
      {
        name: t.failed,
        type: 'line',
        smooth: true,
        data: data?.daily.map((d) => d.failed),
        color: '#ff4d4f',
      },
      {
        name: t.uplinkSeries,
        type: 'line',
        smooth: true,
        data: data?.daily.map((d) => d.uplinks),
        color: '#722ed1',
      },
    ],
  };
  const carrierOption: ChartOption = {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${String(v)}%` },
    grid: { left: 48, right: 24, top: 24, bottom: 32 },
    xAxis: { type: 'category', data: data?.byCarrier.map((r) => carrier(r.key)) ?? [] },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        type: 'bar',
        barMaxWidth: 40,
        data: data?.byCarrier.map((r) => (r.rate === null ? null : Math.round(r.rate * 1000) / 10)),
        label: { show: true, position: 'top', formatter: '{c}%' },
        itemStyle: { color: '#1677ff' },
      },
    ],
  };
  const pieOption: ChartOption = {
    tooltip: { trigger: 'item' },
    legend: { orient: 'vertical', right: 8, top: 'middle' },
    series: [
      {
        type: 'pie',
        radius: ['40%', '70%'],
        center: ['40%', '50%'],
        data: Object.entries(data?.today.byStatus ?? {}).map(([s, n]) => ({
          name: status(s),
          value: n,
          itemStyle: { color: STATUS_META[s]?.hex },
        })),
      },
    ],
  };
  const hourlyOption: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [t.delivered, t.failed, t.queued] },
    grid: { left: 48, right: 24, top: 40, bottom: 32 },
    xAxis: {
      type: 'category',
      data: data?.hourly.map((h) => fill(t.hour, { h: String(h.hour).padStart(2, '0') })) ?? [],
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: t.delivered,
        type: 'bar',
        stack: 'h',
        data: data?.hourly.map((h) => h.delivered),
        color: '#52c41a',
      },
      {
        name: t.failed,
        type: 'bar',
        stack: 'h',
        data: data?.hourly.map((h) => h.failed + h.blocked),
        color: '#ff4d4f',
      },
      { name: t.queued, type: 'bar', stack: 'h', data: data?.hourly.map((h) => h.pending), color: '#faad14' },
    ],
  };

  return { dailyOption, carrierOption, pieOption, hourlyOption };
}
