/**
 * Black and white lists (§8.2) and the citizens' unsubscriptions: tabs with counts, a search by a
 * whole number, adding many numbers pasted at once, removal with a confirmation, and a CSV export.
 * Numbers are shown masked; TD is read-only (the citizen undoes it with KT# or a new binding).
 */
import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Input,
  Popconfirm,
  Space,
  Tabs,
  Typography,
  message as antMessage,
  type TableColumnsType,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { ListAdded, ListEntry, ListKindName, ListsAnswer } from '../../../contract/lists.js';
import { api, query } from '../../api.js';
import { ListTable, ListToolbar } from '../../components/ListPage.js';
import { beijingTime, errorText, fill, useLang, useTexts } from '../../i18n.js';
import { useSession } from '../../session.js';
import { useApi } from '../../use-api.js';
import { propose, PROPOSE_TEXTS } from '../proposals/propose.js';
import { AddNumbersDialog, type AddValues } from './AddDialog.js';
import { TEXTS } from './texts.js';

type Kind = ListKindName;

const PAGE_SIZE = 20;

export default function ListsPage() {
  const t = useTexts(TEXTS);
  const pt = useTexts(PROPOSE_TEXTS);
  const lang = useLang();
  // An operator proposes; the security administrator's changes take effect at once.
  const manage = useSession().can('list.manage');
  const [kind, setKind] = useState<Kind>('BLACKLIST');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useApi<ListsAnswer>(
    `lists${query({ kind, mobile: search, page, pageSize: PAGE_SIZE })}`,
  );
  const [adding, setAdding] = useState(false);

  const remove = async (entry: ListEntry) => {
    if (kind === 'TD') return;
    try {
      if (!manage) {
        await propose({ kind: 'list.remove', list: kind, key: entry.key });
        void antMessage.success(pt.proposed);
        return;
      }
      await api.post(`lists/${kind}/remove`, { key: entry.key });
      void antMessage.success(t.removed);
      await reload();
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    }
  };

  /** Answers whether the numbers went in (or were proposed), so the dialog closes. */
  const add = async (values: AddValues): Promise<boolean> => {
    if (kind === 'TD') return false;
    try {
      if (!manage) {
        const res = await propose({
          kind: 'list.add',
          list: kind,
          numbers: values.numbers,
          ...(values.reason !== undefined && values.reason !== '' && { note: values.reason }),
        });
        void antMessage.success(pt.proposed);
        if (res.invalid.length > 0)
          void antMessage.warning(
            fill(t.invalid, { n: res.invalid.length, list: res.invalid.join('、') }),
            6,
          );
        setAdding(false);
        return true;
      }
      const res = await api.post<ListAdded>(`lists/${kind}`, {
        numbers: values.numbers,
        ...(values.reason !== undefined && values.reason !== '' && { reason: values.reason }),
      });
      void antMessage.success(fill(t.added, { added: res.added, already: res.already }));
      if (res.invalidCount > 0)
        void antMessage.warning(fill(t.invalid, { n: res.invalidCount, list: res.invalid.join('、') }), 6);
      setAdding(false);
      setPage(1);
      await reload();
      return true;
    } catch (err) {
      void antMessage.error(errorText(lang, err));
      return false;
    }
  };

  const columns: TableColumnsType<ListEntry> = [
    {
      title: t.mobile,
      dataIndex: 'mobile',
      render: (m: string) => <Typography.Text code>{m}</Typography.Text>,
    },
    { title: t.reason, dataIndex: 'reason', render: (r: string | null) => r ?? '—' },
    { title: t.createdAt, dataIndex: 'createdAt', render: (at: string) => beijingTime(at) },
    ...(kind === 'TD'
      ? []
      : [
          {
            title: t.actions,
            key: 'actions',
            render: (_: unknown, entry: ListEntry) => (
              <Popconfirm
                title={fill(t.removeConfirm, { list: t[kind] })}
                onConfirm={() => void remove(entry)}
              >
                <Button type="link" danger icon={<DeleteOutlined />}>
                  {t.remove}
                </Button>
              </Popconfirm>
            ),
          },
        ]),
  ];

  const count = (k: Kind) => (data ? ` (${data.counts[k]})` : '');

  return (
    <Card>
      <Tabs
        activeKey={kind}
        onChange={(k) => {
          setKind(k as Kind);
          setPage(1);
        }}
        items={(['BLACKLIST', 'WHITELIST', 'TD'] as const).map((k) => ({
          key: k,
          label: `${t[k]}${count(k)}`,
        }))}
      />
      <Alert type="info" showIcon title={t[`${kind}Hint`]} style={{ marginBottom: 16 }} />
      {!manage && <Alert type="info" showIcon title={pt.proposeHint} style={{ marginBottom: 16 }} />}
      <Space style={{ marginBottom: 16, display: 'flex', justifyContent: 'space-between' }} wrap>
        <Input.Search
          allowClear
          placeholder={t.search}
          style={{ width: 280 }}
          onSearch={(v) => {
            setSearch(v.trim());
            setPage(1);
          }}
        />
        <ListToolbar
          onRefresh={() => void reload()}
          exportHref={`/console/api/lists/${kind}/export`}
          action={
            kind !== 'TD' && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
                {t.add}
              </Button>
            )
          }
        />
      </Space>
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <ListTable<ListEntry>
        rowKey="key"
        loading={loading}
        columns={columns}
        rows={data?.entries ?? []}
        empty={t.empty}
        totalText={(n) => fill(t.total, { n })}
        paging={{ page, pageSize: PAGE_SIZE, total: data?.total ?? 0, fixedSize: true, onChange: setPage }}
      />
      <AddNumbersDialog
        title={kind === 'TD' ? null : fill(t.addTitle, { list: t[kind] })}
        open={adding}
        onCancel={() => setAdding(false)}
        onAdd={add}
      />
    </Card>
  );
}
