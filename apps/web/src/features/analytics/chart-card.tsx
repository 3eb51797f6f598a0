import { DownloadOutlined, PictureOutlined } from '@ant-design/icons';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { Button, Card, Empty, Space, Tooltip } from 'antd';
import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n.js';

use([LineChart, BarChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  LineSeriesOption | BarSeriesOption | ScatterSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption
>;

/**
 * One dashboard chart in a card: the ECharts canvas (resized with its box), and downloads of the picture (PNG, from
 * `getDataURL`) and of its data (CSV, from the server's export).
 */
export function ChartCard({
  id,
  title,
  note,
  option,
  empty,
  csvHref,
  height = 300,
  extra,
}: {
  id: string;
  title: string;
  note?: string | undefined;
  option: ChartOption;
  empty: boolean;
  csvHref: string;
  height?: number;
  extra?: ReactNode;
}) {
  const { t } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    if (!host.current || empty) return;
    const instance = init(host.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(host.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [empty]);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option, empty]);

  const downloadPng = () => {
    if (!chart.current) return;
    const link = document.createElement('a');
    link.href = chart.current.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    link.download = `tongli-${id}.png`;
    link.click();
  };

  return (
    <Card
      size="small"
      title={title}
      data-chart={id}
      extra={
        <Space size={4}>
          {extra}
          <Tooltip title={t('analytics.exportPng')}>
            <Button
              size="small"
              type="text"
              icon={<PictureOutlined />}
              onClick={downloadPng}
              disabled={empty}
              aria-label={t('analytics.exportPng')}
            >
              PNG
            </Button>
          </Tooltip>
          <Tooltip title={t('analytics.exportCsv')}>
            <Button size="small" type="text" icon={<DownloadOutlined />} href={csvHref} download aria-label={t('analytics.exportCsv')}>
              CSV
            </Button>
          </Tooltip>
        </Space>
      }
    >
      {note && <div style={{ color: '#595959', fontSize: 12, marginBottom: 4 }}>{note}</div>}
      {empty ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('analytics.noData')}
          style={{ height, margin: 0, paddingTop: height / 4 }}
        />
      ) : (
        <div ref={host} className="analytics-chart" style={{ height, width: '100%' }} />
      )}
    </Card>
  );
}
