/**
 * The live results of a survey (§7.4): how many phones it went to and answered, and a bar chart
 * per question of the options chosen, refreshed every few seconds while the drawer is open; the
 * CSV export (masked numbers) is a download link.
 */
import { useMemo } from 'react';
import { Alert, Button, Card, Col, Drawer, Row, Space, Statistic, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { SurveyResults } from '../../../contract/surveys.js';
import { beijingTime, fill, useTexts } from '../../i18n.js';
import { useApi } from '../../use-api.js';
import { RESULTS_TEXTS } from './texts.js';
import { Chart, type ChartOption } from '../../components/Chart.js';

const percent = (r: number): string => `${(r * 100).toFixed(1)}%`;
const REFRESH_MS = 3000;

export function SurveyResultsDrawer(props: { survey: { id: number; name: string }; onClose: () => void }) {
  const t = useTexts(RESULTS_TEXTS);
  const { id } = props.survey;
  const { data: results, error } = useApi<SurveyResults>(`surveys/${id}/results`, { pollMs: REFRESH_MS });

  return (
    <Drawer
      open
      size="large"
      title={fill(t.title, { name: props.survey.name })}
      onClose={props.onClose}
      extra={
        <Button
          icon={<DownloadOutlined />}
          href={`/console/api/surveys/${id}/export`}
          download
          data-testid="survey-export"
        >
          {t.export}
        </Button>
      }
    >
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {results && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Space wrap>
            <Tag color="blue">{fill(t.ext, { ext: results.extCode })}</Tag>
            <Typography.Text type="secondary">
              {fill(t.window, { from: beijingTime(results.opensAt), to: beijingTime(results.closesAt) })}
            </Typography.Text>
            <Typography.Text type="secondary">· {t.live}</Typography.Text>
          </Space>
          <Row gutter={16}>
            <Col span={6}>
              <Statistic title={t.sent} value={results.sent} />
            </Col>
            <Col span={6}>
              <Statistic
                title={t.responded}
                value={results.targets.answering + results.targets.completed + results.targets.endedInvalid}
              />
            </Col>
            <Col span={6}>
              <Statistic title={t.answerRate} value={percent(results.answerRate)} />
            </Col>
            <Col span={6}>
              <Statistic title={t.completed} value={results.targets.completed} />
            </Col>
          </Row>
          {results.targets.blocked > 0 && (
            <Typography.Text type="secondary">
              {t.blocked}：{results.targets.blocked}
            </Typography.Text>
          )}
          {results.questions.map((q) => (
            <QuestionChart key={q.number} question={q} />
          ))}
        </Space>
      )}
    </Drawer>
  );
}

function QuestionChart({ question: q }: { question: SurveyResults['questions'][number] }) {
  const t = useTexts(RESULTS_TEXTS);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 110, right: 40, top: 10, bottom: 20 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        inverse: true,
        data: [...q.options.map((o) => `${o.code} ${o.label}`), ...(q.invalid > 0 ? [t.invalid] : [])],
      },
      series: [
        {
          type: 'bar',
          name: t.count,
          barMaxWidth: 28,
          label: { show: true, position: 'right' },
          itemStyle: { color: '#1677ff', borderRadius: [0, 4, 4, 0] },
          data: [
            ...q.options.map((o) => o.count),
            ...(q.invalid > 0 ? [{ value: q.invalid, itemStyle: { color: '#bfbfbf' } }] : []),
          ],
        },
      ],
    }),
    [q, t.invalid, t.count],
  );
  return (
    <Card
      size="small"
      title={`${fill(t.question, { n: q.number })} · ${q.text}`}
      extra={
        <Typography.Text type="secondary" data-testid={`question-answered-${q.number}`}>
          {fill(t.answered, { n: q.answered, rate: percent(q.answerRate) })}
        </Typography.Text>
      }
    >
      <Chart
        option={option}
        height={Math.max(120, 44 * (q.options.length + (q.invalid > 0 ? 1 : 0)))}
        testId={`survey-chart-${q.number}`}
      />
    </Card>
  );
}
