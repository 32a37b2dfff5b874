/**
 * Surveys and return visits (§7.4): the list with each survey's phase, targets and answer
 * rate; 新建调查 (then straight on to sending it); 发送 with progress; 结果 with a live bar chart per
 * question; CSV export; 结束 with a confirmation. The list refreshes itself while a send runs.
 */
import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Popconfirm,
  Progress,
  Space,
  Tag,
  Typography,
  message as antMessage,
  type TableColumnsType,
} from 'antd';
import { BarChartOutlined, PlusOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import type { SurveyPhase, SurveyRow, SurveysAnswer } from '../../../contract/surveys.js';
import { api } from '../../api.js';
import { ListTable, ListToolbar } from '../../components/ListPage.js';
import { beijingTime, errorText, fill, useLang, useTexts } from '../../i18n.js';
import { useApi } from '../../use-api.js';
import { CreateSurveyDrawer } from './CreateDrawer.js';
import { SurveyResultsDrawer } from './ResultsDrawer.js';
import { SendSurveyDialog } from './SendDialog.js';
import { TEXTS } from './texts.js';

/** The list follows a running send and answers coming in. */
const REFRESH_MS = 5000;

const PHASE_COLORS: Record<SurveyPhase, string> = {
  draft: 'default',
  scheduled: 'gold',
  open: 'green',
  closed: 'red',
};

export default function SurveysPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const { data, error, loading, reload } = useApi<SurveysAnswer>('surveys', { pollMs: REFRESH_MS });
  const rows = data?.surveys ?? [];
  const [creating, setCreating] = useState(false);
  const [sending, setSending] = useState<{ id: number; name: string } | null>(null);
  const [viewing, setViewing] = useState<{ id: number; name: string } | null>(null);

  const close = async (row: SurveyRow) => {
    try {
      await api.post(`surveys/${row.id}/close`);
      void message.success(t.closed_ok);
      await reload();
    } catch (err) {
      void message.error(errorText(lang, err));
    }
  };

  const columns: TableColumnsType<SurveyRow> = [
    {
      title: t.name,
      dataIndex: 'name',
      width: 200,
      render: (v: string, r) => (
        <Typography.Link strong onClick={() => setViewing(r)}>
          {v}
        </Typography.Link>
      ),
    },
    { title: t.ext, dataIndex: 'extCode', width: 70 },
    {
      title: t.phase,
      dataIndex: 'phase',
      width: 90,
      render: (v: SurveyPhase, r) =>
        r.sending ? (
          <Tag color="processing">{t.sending}</Tag>
        ) : (
          <Tag color={PHASE_COLORS[v]} data-testid={`survey-phase-${r.id}`}>
            {t[v]}
          </Tag>
        ),
    },
    { title: t.questions, dataIndex: 'questionCount', width: 60, align: 'center' },
    {
      title: t.window,
      width: 150,
      render: (_, r) => (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {beijingTime(r.opensAt).slice(0, 16)}
          <br />
          {beijingTime(r.closesAt).slice(0, 16)}
        </Typography.Text>
      ),
    },
    {
      title: t.targets,
      width: 100,
      render: (_, r) => `${r.targets.sent} / ${r.targets.total}`,
    },
    {
      title: t.answerRate,
      width: 140,
      render: (_, r) => <Progress percent={Math.round(r.answerRate * 100)} size="small" />,
    },
    {
      title: t.createdBy,
      dataIndex: 'createdBy',
      width: 120,
      render: (v: string) => v.replace(/^console:/, ''),
    },
    {
      title: t.actions,
      width: 220,
      render: (_, r) => (
        <Space size={2} wrap>
          {r.phase !== 'closed' && (
            <Button
              size="small"
              type="link"
              icon={<SendOutlined />}
              onClick={() => setSending(r)}
              data-testid={`survey-send-${r.id}`}
            >
              {t.send}
            </Button>
          )}
          <Button
            size="small"
            type="link"
            icon={<BarChartOutlined />}
            onClick={() => setViewing(r)}
            data-testid={`survey-results-${r.id}`}
          >
            {t.results}
          </Button>
          <Button size="small" type="link" href={`/console/api/surveys/${r.id}/export`} download>
            {t.export}
          </Button>
          {r.phase !== 'closed' && (
            <Popconfirm
              title={fill(t.closeConfirm, { name: r.name })}
              okText={t.ok}
              cancelText={t.cancel}
              onConfirm={() => void close(r)}
            >
              <Button size="small" type="link" danger icon={<StopOutlined />}>
                {t.close}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t.title}
      extra={
        <ListToolbar
          onRefresh={() => void reload()}
          action={
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="survey-add"
            >
              {t.add}
            </Button>
          }
        />
      }
    >
      {messageHolder}
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t.hint}
      </Typography.Paragraph>
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <ListTable<SurveyRow>
        rowKey="id"
        // Polling does not blank the table: the spinner shows until the first answer only.
        loading={loading && data === null}
        columns={columns}
        rows={rows}
        empty={t.empty}
        totalText={(n) => fill(t.total, { n })}
        data-testid="surveys-table"
      />
      {creating && (
        <CreateSurveyDrawer
          onClose={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            void message.success(t.created);
            for (const w of s.warnings) void message.warning(fill(t.warnings, { w }));
            setSending({ id: s.id, name: s.name });
            void reload();
          }}
        />
      )}
      {sending !== null && (
        <SendSurveyDialog survey={sending} onClose={() => setSending(null)} onSent={() => void reload()} />
      )}
      {viewing !== null && <SurveyResultsDrawer survey={viewing} onClose={() => setViewing(null)} />}
    </Card>
  );
}
