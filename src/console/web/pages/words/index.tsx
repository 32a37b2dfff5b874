/**
 * Sensitive words (docs/design.md §5.7; the standard's §8.2 b filter rules): each word blocks a text (拦截: the interface answers
 * code 13, the console refuses) or holds it for a reviewer (人工审核). Spaces, punctuation, case and
 * full-width forms between characters do not hide a word. A test box shows what a text would hit.
 * The calls: contract/words.ts.
 */
import { useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  Input,
  Popconfirm,
  Row,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import { DeleteOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import type { WordsAnswer, WordView } from '../../../contract/words.js';
import { api } from '../../api.js';
import { beijingTime, fill, useTexts } from '../../i18n.js';
import { useSession } from '../../session.js';
import { useAction, useApi } from '../../use-api.js';
import { propose, PROPOSE_TEXTS } from '../proposals/propose.js';
import { AddDialog } from './AddDialog.js';
import { TEXTS } from './texts.js';
import { WordTester } from './WordTester.js';

type Action = WordView['action'];

const ACTION_COLORS: Record<Action, string> = { block: 'red', review: 'orange' };

export default function WordsPage() {
  const t = useTexts(TEXTS);
  const pt = useTexts(PROPOSE_TEXTS);
  // An operator proposes; the security administrator's changes take effect at once.
  const manage = useSession().can('list.manage');
  const { data, error, loading, reload } = useApi<WordsAnswer>('words');
  const act = useAction(reload);
  const rows = useMemo(() => data?.words ?? [], [data]);
  const [filter, setFilter] = useState<'all' | Action>('all');
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);

  const shown = useMemo(
    () =>
      rows
        .filter((r) => filter === 'all' || r.action === filter)
        .filter((r) => search.trim() === '' || r.word.toLowerCase().includes(search.trim().toLowerCase()))
        .reverse(),
    [rows, filter, search],
  );
  const count = (a: Action) => rows.filter((r) => r.action === a).length;

  const changeAction = (row: WordView, action: Action) =>
    void (manage
      ? act(() => api.put(`words/${row.id}`, { action }), t.changed)
      : act(() => propose({ kind: 'word.update', wordId: row.id, action }), pt.proposed));
  const remove = (row: WordView) =>
    void (manage
      ? act(() => api.delete(`words/${row.id}`), t.removed)
      : act(() => propose({ kind: 'word.remove', wordId: row.id }), pt.proposed));

  const columns: TableColumnsType<WordView> = [
    {
      title: t.word,
      dataIndex: 'word',
      render: (w: string) => <Typography.Text strong>{w}</Typography.Text>,
    },
    {
      title: t.action,
      dataIndex: 'action',
      width: 150,
      render: (a: Action, row) => (
        <Select<Action>
          size="small"
          variant="borderless"
          value={a}
          style={{ width: 120 }}
          onChange={(v) => changeAction(row, v)}
          options={(['block', 'review'] as const).map((v) => ({
            value: v,
            label: <Tag color={ACTION_COLORS[v]}>{t[v]}</Tag>,
          }))}
        />
      ),
    },
    { title: t.note, dataIndex: 'note', render: (v: string | null) => v ?? '—' },
    { title: t.createdBy, dataIndex: 'createdBy', width: 110 },
    { title: t.createdAt, dataIndex: 'createdAt', width: 170, render: (v: string) => beijingTime(v) },
    {
      title: t.actions,
      key: 'actions',
      width: 90,
      render: (_, row) => (
        <Popconfirm
          title={fill(t.removeConfirm, { word: row.word })}
          okText={t.ok}
          cancelText={t.cancel}
          onConfirm={() => remove(row)}
        >
          <Button size="small" type="link" danger icon={<DeleteOutlined />}>
            {t.remove}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <Row gutter={16}>
      <Col xs={24} xl={16}>
        <Card
          title={t.title}
          extra={
            <Space>
              <Button icon={<ReloadOutlined />} onClick={() => void reload()}>
                {t.refresh}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
                {t.add}
              </Button>
            </Space>
          }
        >
          {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
          {!manage && <Alert type="info" showIcon title={pt.proposeHint} style={{ marginBottom: 16 }} />}
          <Space style={{ marginBottom: 16 }} wrap>
            <Segmented
              value={filter}
              onChange={(v) => setFilter(v === 'block' || v === 'review' ? v : 'all')}
              options={[
                { value: 'all', label: `${t.all} (${rows.length})` },
                { value: 'block', label: `${t.block} (${count('block')})` },
                { value: 'review', label: `${t.review} (${count('review')})` },
              ]}
            />
            <Input.Search
              allowClear
              placeholder={t.search}
              style={{ width: 220 }}
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </Space>
          <Table
            rowKey="id"
            size="middle"
            loading={loading}
            columns={columns}
            dataSource={shown}
            locale={{ emptyText: t.empty }}
            pagination={{ pageSize: 20, showTotal: (n) => fill(t.total, { n }) }}
          />
        </Card>
      </Col>
      <WordTester t={t} />
      <AddDialog
        open={adding}
        t={t}
        onClose={() => setAdding(false)}
        onAdded={() => {
          setAdding(false);
          void reload();
        }}
      />
    </Row>
  );
}
