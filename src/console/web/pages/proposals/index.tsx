/**
 * Proposed changes to the sensitive words and the black and white lists (docs/security.md §7): the
 * security administrator approves or rejects each one; an operator sees how theirs were decided.
 */
import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Input,
  Modal,
  Popconfirm,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import type { ProposalsAnswer, ProposalView } from '../../../contract/proposals.js';
import { api } from '../../api.js';
import { beijingTime, fill, useTexts } from '../../i18n.js';
import { useSession } from '../../session.js';
import { useAction, useApi } from '../../use-api.js';
import { TEXTS, type Texts } from './texts.js';

type Status = ProposalView['status'];
const STATUS_COLORS: Record<Status, string> = { pending: 'blue', approved: 'green', rejected: 'default' };

function Change({ p, t }: { p: ProposalView; t: Texts }) {
  const items = p.words.length > 0 ? p.words : p.mobiles;
  return (
    <Space wrap size={4}>
      <Tag>{t[p.kind]}</Tag>
      {p.list && <Tag color={p.list === 'BLACKLIST' ? 'red' : 'green'}>{t[p.list]}</Tag>}
      <Typography.Text strong>{items.join('、')}</Typography.Text>
      {p.count > items.length && (
        <Typography.Text type="secondary">{fill(t.more, { n: p.count })}</Typography.Text>
      )}
      {p.from && <Tag>{t[p.from]}</Tag>}
      {p.from && '→'}
      {p.action && <Tag color={p.action === 'block' ? 'red' : 'orange'}>{t[p.action]}</Tag>}
      {p.loosens && <Tag color="warning">{t.loosens}</Tag>}
    </Space>
  );
}

export default function ProposalsPage() {
  const t = useTexts(TEXTS);
  const manage = useSession().can('list.manage');
  const [status, setStatus] = useState<Status>('pending');
  const { data, error, loading, reload } = useApi<ProposalsAnswer>(`proposals?status=${status}`);
  const act = useAction(reload);
  const [rejecting, setRejecting] = useState<ProposalView | null>(null);
  const [note, setNote] = useState('');

  const columns: TableColumnsType<ProposalView> = [
    { title: t.change, key: 'change', render: (_, p) => <Change p={p} t={t} /> },
    { title: t.note, dataIndex: 'note', render: (v: string | null) => v ?? '—' },
    { title: t.proposedBy, dataIndex: 'proposedBy', width: 110 },
    { title: t.proposedAt, dataIndex: 'proposedAt', width: 170, render: (v: string) => beijingTime(v) },
    {
      title: t.decision,
      key: 'decision',
      width: 200,
      render: (_, p) => (
        <Space orientation="vertical" size={0}>
          <Tag color={STATUS_COLORS[p.status]}>{t[p.status]}</Tag>
          {p.decidedBy && (
            <Typography.Text type="secondary">
              {p.decidedBy} · {beijingTime(p.decidedAt)}
            </Typography.Text>
          )}
          {p.decisionNote && <Typography.Text type="secondary">{p.decisionNote}</Typography.Text>}
        </Space>
      ),
    },
  ];
  if (manage && status === 'pending')
    columns.push({
      title: t.actions,
      key: 'actions',
      width: 150,
      render: (_, p) => (
        <Space>
          <Popconfirm
            title={t.approveConfirm}
            okText={t.ok}
            cancelText={t.cancel}
            onConfirm={() => void act(() => api.post(`proposals/${p.id}/approve`, {}), t.approvedDone)}
          >
            <Button size="small" type="primary">
              {t.approve}
            </Button>
          </Popconfirm>
          <Button size="small" danger onClick={() => setRejecting(p)}>
            {t.reject}
          </Button>
        </Space>
      ),
    });

  return (
    <Card title={t.title}>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Alert type="info" showIcon title={manage ? t.hintManage : t.hintPropose} />
        {error && <Alert type="error" showIcon title={error} />}
        <Segmented<Status>
          value={status}
          onChange={setStatus}
          options={(['pending', 'approved', 'rejected'] as const).map((s) => ({
            value: s,
            label: s === 'pending' && data && status === 'pending' ? `${t[s]} (${data.pending})` : t[s],
          }))}
        />
        <Table<ProposalView>
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.proposals ?? []}
          locale={{ emptyText: t.empty }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
        />
      </Space>
      <Modal
        open={rejecting !== null}
        title={t.rejectTitle}
        okText={t.reject}
        cancelText={t.cancel}
        okButtonProps={{ danger: true }}
        onCancel={() => setRejecting(null)}
        onOk={() => {
          if (!rejecting) return;
          const body = note.trim() === '' ? {} : { note: note.trim() };
          void act(() => api.post(`proposals/${rejecting.id}/reject`, body), t.rejectedDone).then((ok) => {
            if (!ok) return;
            setRejecting(null);
            setNote('');
          });
        }}
      >
        <Input.TextArea
          aria-label={t.rejectNote}
          placeholder={t.rejectNote}
          maxLength={200}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Modal>
    </Card>
  );
}
