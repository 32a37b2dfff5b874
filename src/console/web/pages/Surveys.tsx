/**
 * Surveys and return visits (§7.4): the list with each survey's phase, targets and answer
 * rate; 新建调查 (then straight on to sending it); 发送 with progress; 结果 with a live bar chart per
 * question; CSV export; 结束 with a confirmation. The list refreshes itself while a send runs.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  Button,
  Card,
  Popconfirm,
  Progress,
  Space,
  Table,
  Tag,
  Typography,
  message as antMessage,
  type TableColumnsType,
} from 'antd';
import {
  BarChartOutlined,
  PlusOutlined,
  ReloadOutlined,
  SendOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { api } from '../api.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';
import { CreateSurveyDrawer } from '../components/SurveysCreate.js';
import { SurveyResultsDrawer } from '../components/SurveysResults.js';
import { SendSurveyDialog } from '../components/SurveysSend.js';

const TEXTS = defineTexts({
  zh: {
    title: '调查回访',
    add: '新建调查',
    refresh: '刷新',
    name: '调查名称',
    ext: '扩展码',
    phase: '状态',
    draft: '未发送',
    scheduled: '未开始',
    open: '进行中',
    closed: '已结束',
    sending: '发送中',
    questions: '题数',
    window: '有效期',
    targets: '发送 / 对象',
    answerRate: '答复率',
    createdBy: '创建人',
    actions: '操作',
    send: '发送',
    results: '结果',
    export: '导出',
    close: '结束',
    closeConfirm: '结束调查“{name}”？结束后市民的回复将收到“调查已结束”。',
    closed_ok: '调查已结束',
    created: '调查已创建，请选择发送对象',
    warnings: '注意：{w}',
    ok: '确定',
    cancel: '取消',
    empty: '暂无调查，点击“新建调查”开始',
    total: '共 {n} 个调查',
    hint: '市民直接回复选项编号作答；每题答错可重答一次。结果实时统计，可导出 CSV（号码已脱敏）。',
  },
  en: {
    title: 'Surveys',
    add: 'New survey',
    refresh: 'Refresh',
    name: 'Name',
    ext: 'Ext.',
    phase: 'Status',
    draft: 'Not sent',
    scheduled: 'Scheduled',
    open: 'Open',
    closed: 'Closed',
    sending: 'Sending',
    questions: 'Questions',
    window: 'Validity',
    targets: 'Sent / targets',
    answerRate: 'Answer rate',
    createdBy: 'Created by',
    actions: 'Actions',
    send: 'Send',
    results: 'Results',
    export: 'Export',
    close: 'Close',
    closeConfirm: 'Close “{name}”? Later replies get “survey closed”.',
    closed_ok: 'Survey closed',
    created: 'Survey created; choose whom to send it to',
    warnings: 'Note: {w}',
    ok: 'OK',
    cancel: 'Cancel',
    empty: 'No surveys yet: click “New survey”',
    total: '{n} surveys',
    hint: 'Citizens answer with the option code; one wrong answer per question is re-asked. Results are live; the CSV export masks numbers.',
  },
});

type Phase = 'draft' | 'scheduled' | 'open' | 'closed';
const PHASE_COLORS: Record<Phase, string> = {
  draft: 'default',
  scheduled: 'gold',
  open: 'green',
  closed: 'red',
};

interface SurveyRow {
  id: number;
  name: string;
  extCode: string;
  phase: Phase;
  questionCount: number;
  opensAt: string;
  closesAt: string;
  createdBy: string;
  targets: { total: number; sent: number; blocked: number; responded: number; done: number };
  answerRate: number;
  sending: boolean;
}

export default function SurveysPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const [rows, setRows] = useState<SurveyRow[]>([]);
  const [loading, setLoading] = useState(true);
  const [creating, setCreating] = useState(false);
  const [sending, setSending] = useState<{ id: number; name: string } | null>(null);
  const [viewing, setViewing] = useState<{ id: number; name: string } | null>(null);

  const load = useCallback(
    async (quiet = false) => {
      if (!quiet) setLoading(true);
      try {
        setRows((await api.get<{ surveys: SurveyRow[] }>('surveys')).surveys);
      } catch (err) {
        if (!quiet) void message.error(errorText(lang, err));
      } finally {
        if (!quiet) setLoading(false);
      }
    },
    [lang, message],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(true), 5000);
    return () => clearInterval(timer);
  }, [load]);

  const close = async (row: SurveyRow) => {
    try {
      await api.post(`surveys/${row.id}/close`);
      void message.success(t.closed_ok);
      await load(true);
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
      render: (v: Phase, r) =>
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
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t.refresh}
          </Button>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="survey-add"
          >
            {t.add}
          </Button>
        </Space>
      }
    >
      {messageHolder}
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t.hint}
      </Typography.Paragraph>
      <Table
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={rows}
        locale={{ emptyText: t.empty }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (n) => fill(t.total, { n }) }}
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
            void load(true);
          }}
        />
      )}
      {sending !== null && (
        <SendSurveyDialog survey={sending} onClose={() => setSending(null)} onSent={() => void load(true)} />
      )}
      {viewing !== null && <SurveyResultsDrawer survey={viewing} onClose={() => setViewing(null)} />}
    </Card>
  );
}
