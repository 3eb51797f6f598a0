import { LineChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import type { LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { TrajectoryPoint } from '../../api/types.js';
import { colorOfEmotion } from '../../components/emotion.js';
import { useI18n } from '../../i18n/i18n.js';

use([LineChart, GridComponent, TooltipComponent, MarkAreaComponent, CanvasRenderer]);

type Option = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption>;

/** The customer's emotion over the conversation: sentiment as a line, each point coloured by its emotion. */
export function EmotionTimeline({ trajectory }: { trajectory: readonly TrajectoryPoint[] }) {
  const { t } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const instance = init(host.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(host.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const option: Option = {
      animation: false,
      grid: { left: 36, right: 12, top: 10, bottom: 22 },
      tooltip: {
        trigger: 'axis',
        formatter: (params) => {
          const first = Array.isArray(params) ? params[0] : params;
          const point = trajectory[first?.dataIndex ?? 0];
          if (!point) return '';
          const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
          return esc(
            `${t('conversation.message', { index: point.index + 1 })} · ${t(`emotion.${point.emotion}`)} · ${t('conversation.intensity')} ${point.intensity.toFixed(2)}`,
          );
        },
      },
      xAxis: { type: 'category', data: trajectory.map((p) => String(p.index + 1)), axisTick: { show: false } },
      yAxis: { type: 'value', min: -1, max: 1, splitNumber: 2, name: '', axisLabel: { fontSize: 10 } },
      series: [
        {
          type: 'line',
          name: t('conversation.sentiment'),
          smooth: true,
          symbolSize: (_value: unknown, params: { dataIndex: number }) => 6 + 10 * (trajectory[params.dataIndex]?.intensity ?? 0),
          lineStyle: { color: '#bfbfbf', width: 2 },
          data: trajectory.map((p) => ({ value: p.sentiment, itemStyle: { color: colorOfEmotion(p.emotion) } })),
          markArea: { silent: true, itemStyle: { color: 'rgba(207, 19, 34, 0.05)' }, data: [[{ yAxis: -1 }, { yAxis: 0 }]] },
        },
      ],
    };
    chart.current?.setOption(option, true);
  }, [trajectory, t]);

  return (
    <div className="timeline" aria-label={t('conversation.timeline')}>
      <div className="timeline-title">{t('conversation.timeline')}</div>
      {trajectory.length === 0 && <div className="timeline-empty">{t('conversation.timelineEmpty')}</div>}
      <div ref={host} className="timeline-chart" style={{ visibility: trajectory.length === 0 ? 'hidden' : 'visible' }} />
    </div>
  );
}
