/**
 * Review (docs/design.md §5): batches held for a reviewer — over the console's size threshold, or
 * hit by a sensitive word that asks for review. Pending first (oldest first) with the sample text
 * and its words highlighted; approve or reject with a note; the sender cannot decide their own.
 * The calls: contract/reviews.ts.
 */
import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  message as antMessage,
  Segmented,
  Space,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { CheckOutlined, CloseOutlined, EyeOutlined } from '@ant-design/icons';
import type {
  ReviewDetail,
  ReviewDetailAnswer,
  ReviewsAnswer,
  ReviewView,
} from '../../../contract/reviews.js';
import { api, query } from '../../api.js';
import { HighlightedText } from '../../components/HighlightedText.js';
import { beijingTime, errorText, fill, useLang, useTexts } from '../../i18n.js';
import { useSession } from '../../session.js';
import { ListTable, ListToolbar } from '../../components/ListPage.js';
import { useAction, useApi } from '../../use-api.js';
import { DecisionDialog, DetailDialog, type Deciding } from './ReviewDialogs.js';
import { TEXTS } from './texts.js';

const STATUS_COLORS = {
  pending: 'processing',
  approved: 'success',
  rejected: 'error',
  expired: 'default',
} as const;

export default function ReviewPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const session = useSession();
  const username = session.me.user.username;
  const [view, setView] = useState<'pending' | 'decided'>('pending');
  const [page, setPage] = useState(1);
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  const [detail, setDetail] = useState<ReviewDetail | null>(null);
  const allowed = session.can('batch.review');
  const { data, error, loading, reload } = useApi<ReviewsAnswer>(
    allowed ? `reviews${query({ status: view, page, pageSize: 20 })}` : null,
  );
  const act = useAction(reload);
  const rows = data?.items ?? [];
  const counts = data?.counts ?? null;
  const total = data?.total ?? 0;

  if (!allowed)
    return (
      <Card title={t.title}>
        <Alert type="info" showIcon title={t.onlyTemplates} />
      </Card>
    );

  const openDetail = async (row: ReviewView) => {
    try {
      setDetail((await api.get<ReviewDetailAnswer>(`reviews/${row.id}`)).review);
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    }
  };

  const own = (row: ReviewView) => row.requestedBy !== null && row.requestedBy === username;
  const textCell = (row: ReviewView) =>
    row.sampleText === null ? '—' : <HighlightedText text={row.sampleText} hits={row.hits} />;

  const columns: TableColumnsType<ReviewView> = [
    { title: t.created, dataIndex: 'createdAt', width: 170, render: (v: string) => beijingTime(v) },
    {
      title: t.kind,
      dataIndex: 'kind',
      width: 110,
      render: (k: ReviewView['kind']) => (
        <Tag color={k === 'sensitive-words' ? 'orange' : 'blue'}>{t[`kind.${k}`]}</Tag>
      ),
    },
    { title: t.app, dataIndex: 'appName', width: 120 },
    {
      title: t.requester,
      dataIndex: 'requestedBy',
      width: 110,
      render: (v: string | null) => v ?? <Typography.Text type="secondary">{t.byInterface}</Typography.Text>,
    },
    { title: t.count, dataIndex: 'messageCount', width: 90, align: 'right' },
    // The text takes the room the other columns leave, never less than a readable width.
    { title: t.text, key: 'text', width: 320, render: (_, row) => textCell(row) },
    {
      title: t.words,
      key: 'words',
      width: 150,
      render: (_, row) => {
        const words = [...new Set([...row.words, ...row.hits.map((h) => h.word)])];
        return words.length === 0
          ? '—'
          : words.map((w) => (
              <Tag key={w} color="orange">
                {w}
              </Tag>
            ));
      },
    },
  ];
  if (view === 'decided')
    columns.push(
      {
        title: t.status,
        dataIndex: 'status',
        width: 90,
        render: (s: ReviewView['status']) =>
          s === 'pending' ? null : <Badge status={STATUS_COLORS[s]} text={t[`status.${s}`]} />,
      },
      { title: t.decidedBy, dataIndex: 'decidedBy', width: 100, render: (v: string | null) => v ?? '—' },
      {
        title: t.decidedAt,
        dataIndex: 'decidedAt',
        width: 170,
        render: (v: string | null) => beijingTime(v),
      },
      { title: t.note, dataIndex: 'note', width: 160, render: (v: string | null) => v ?? '—' },
    );
  columns.push({
    title: t.actions,
    key: 'actions',
    width: view === 'pending' ? 220 : 80,
    fixed: 'right',
    render: (_, row) => (
      <Space size={4}>
        <Button size="small" type="link" icon={<EyeOutlined />} onClick={() => void openDetail(row)}>
          {t.detail}
        </Button>
        {row.status === 'pending' && (
          <Tooltip title={own(row) ? t.own : undefined}>
            <Space size={4}>
              <Button
                size="small"
                type="primary"
                icon={<CheckOutlined />}
                disabled={own(row)}
                data-testid={`approve-${row.id}`}
                onClick={() => setDeciding({ row, decision: 'approve' })}
              >
                {t.approve}
              </Button>
              <Button
                size="small"
                danger
                icon={<CloseOutlined />}
                disabled={own(row)}
                onClick={() => setDeciding({ row, decision: 'reject' })}
              >
                {t.reject}
              </Button>
            </Space>
          </Tooltip>
        )}
      </Space>
    ),
  });

  return (
    <Card
      title={t.title}
      extra={
        <ListToolbar onRefresh={() => void reload()}>
          <Segmented
            value={view}
            onChange={(v) => {
              setView(v === 'decided' ? 'decided' : 'pending');
              setPage(1);
            }}
            options={[
              { value: 'pending', label: `${t.pending} (${counts?.pending ?? 0})` },
              {
                value: 'decided',
                label: `${t.decided} (${(counts?.approved ?? 0) + (counts?.rejected ?? 0) + (counts?.expired ?? 0)})`,
              },
            ]}
          />
        </ListToolbar>
      }
    >
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <ListTable
        rowKey="id"
        loading={loading}
        columns={columns}
        rows={rows}
        // As wide as its columns: a narrower table squeezed the text to one character per line.
        scroll={{ x: columns.reduce((sum, c) => sum + (typeof c.width === 'number' ? c.width : 0), 0) }}
        empty={view === 'pending' ? t.empty : t.emptyDecided}
        totalText={(n) => fill(t.total, { n })}
        paging={{ page, pageSize: 20, total, fixedSize: true, onChange: setPage }}
      />
      <DecisionDialog
        deciding={deciding}
        t={t}
        textCell={textCell}
        act={act}
        onClose={() => setDeciding(null)}
      />
      <DetailDialog detail={detail} t={t} textCell={textCell} onClose={() => setDetail(null)} />
    </Card>
  );
}
