/**
 * Black and white lists (§8.2) and the citizens' unsubscriptions: tabs with counts, a search by a
 * whole number, adding many numbers pasted at once, removal with a confirmation, and a CSV export.
 * Numbers are shown masked; TD is read-only (the citizen undoes it with KT# or a new binding).
 */
import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tabs,
  Typography,
  message as antMessage,
  type TableColumnsType,
} from 'antd';
import { DeleteOutlined, DownloadOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api, query } from '../api.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';
import { useSession } from '../session.js';
import { propose, PROPOSE_TEXTS } from './proposals/propose.js';

type Kind = 'BLACKLIST' | 'WHITELIST' | 'TD';

interface Entry {
  key: string;
  mobile: string;
  reason: string | null;
  createdAt: string;
}

interface ListAnswer {
  counts: Record<Kind, number>;
  total: number;
  entries: Entry[];
}

const TEXTS = defineTexts({
  zh: {
    BLACKLIST: '黑名单',
    WHITELIST: '白名单',
    TD: '退订',
    BLACKLISTHint: '黑名单号码不接收任何通知、调查短信；业务系统提交时标记为 BLOCKED，不计费。',
    WHITELISTHint: '白名单号码不受频次限制（相同内容间隔、每日条数上限），仍遵守退订和黑名单。',
    TDHint:
      '市民发送 TD# 或 QXFW# 后不再接收通知和调查（回复、办理结果、验证码照常发送）；由市民发送 KT# 或重新绑定恢复，控制台不能删除。',
    search: '按完整手机号码查询',
    refresh: '刷新',
    add: '添加号码',
    export: '导出 CSV',
    mobile: '手机号码',
    reason: '原因',
    createdAt: '加入时间',
    actions: '操作',
    remove: '移出',
    removeConfirm: '确定将该号码移出{list}？',
    removed: '已移出',
    addTitle: '添加到{list}',
    numbers: '手机号码',
    numbersHint: '每行一个，或用逗号、空格分隔；可带 +86。',
    reasonPlaceholder: '例如：市民投诉、测试号码',
    added: '已添加 {added} 个，已在名单中 {already} 个',
    invalid: '{n} 个无效号码未添加：{list}',
    required: '请填写号码',
    ok: '添加',
    cancel: '取消',
    empty: '名单为空',
    total: '共 {n} 个号码',
  },
  en: {
    BLACKLIST: 'Blacklist',
    WHITELIST: 'Whitelist',
    TD: 'Unsubscribed',
    BLACKLISTHint:
      'Blacklisted numbers get no notices or surveys; business systems see them BLOCKED, not charged.',
    WHITELISTHint:
      'Whitelisted numbers are exempt from the frequency limits; unsubscriptions and the blacklist still apply.',
    TDHint:
      'Citizens who texted TD# or QXFW# get no notices or surveys (replies, results and codes still go). They undo it with KT# or a new binding; the console cannot.',
    search: 'Find a whole mobile number',
    refresh: 'Refresh',
    add: 'Add numbers',
    export: 'Export CSV',
    mobile: 'Mobile',
    reason: 'Reason',
    createdAt: 'Added',
    actions: 'Actions',
    remove: 'Remove',
    removeConfirm: 'Remove this number from the {list}?',
    removed: 'Removed',
    addTitle: 'Add to the {list}',
    numbers: 'Mobile numbers',
    numbersHint: 'One per line, or separated by commas or spaces; +86 allowed.',
    reasonPlaceholder: 'e.g. a complaint, a test number',
    added: '{added} added, {already} already listed',
    invalid: '{n} invalid numbers not added: {list}',
    required: 'Enter some numbers',
    ok: 'Add',
    cancel: 'Cancel',
    empty: 'The list is empty',
    total: '{n} numbers',
  },
});

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
  const [data, setData] = useState<ListAnswer | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<{ numbers: string; reason?: string }>();

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setData(
        await api.get<ListAnswer>(`lists${query({ kind, mobile: search, page, pageSize: PAGE_SIZE })}`),
      );
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [kind, search, page, lang]);

  useEffect(() => {
    void load();
  }, [load]);

  const remove = async (entry: Entry) => {
    if (kind === 'TD') return;
    try {
      if (!manage) {
        await propose({ kind: 'list.remove', list: kind, key: entry.key });
        void antMessage.success(pt.proposed);
        return;
      }
      await api.post(`lists/${kind}/remove`, { key: entry.key });
      void antMessage.success(t.removed);
      await load();
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    }
  };

  const add = async (values: { numbers: string; reason?: string }) => {
    if (kind === 'TD') return;
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
        form.resetFields();
        return;
      }
      const res = await api.post<{ added: number; already: number; invalid: string[]; invalidCount: number }>(
        `lists/${kind}`,
        {
          numbers: values.numbers,
          ...(values.reason !== undefined && values.reason !== '' && { reason: values.reason }),
        },
      );
      void antMessage.success(fill(t.added, { added: res.added, already: res.already }));
      if (res.invalidCount > 0)
        void antMessage.warning(fill(t.invalid, { n: res.invalidCount, list: res.invalid.join('、') }), 6);
      setAdding(false);
      form.resetFields();
      setPage(1);
      await load();
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    }
  };

  const columns: TableColumnsType<Entry> = [
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
            render: (_: unknown, entry: Entry) => (
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
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            {t.refresh}
          </Button>
          <Button icon={<DownloadOutlined />} href={`/console/api/lists/${kind}/export`}>
            {t.export}
          </Button>
          {kind !== 'TD' && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
              {t.add}
            </Button>
          )}
        </Space>
      </Space>
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Table<Entry>
        rowKey="key"
        loading={loading}
        columns={columns}
        dataSource={data?.entries ?? []}
        locale={{ emptyText: t.empty }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: data?.total ?? 0,
          showTotal: (n) => fill(t.total, { n }),
          onChange: setPage,
        }}
      />
      <Modal
        open={adding}
        title={kind === 'TD' ? '' : fill(t.addTitle, { list: t[kind] })}
        okText={t.ok}
        cancelText={t.cancel}
        onOk={() => form.submit()}
        onCancel={() => setAdding(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => void add(v)} preserve={false}>
          <Form.Item
            name="numbers"
            label={t.numbers}
            extra={t.numbersHint}
            rules={[{ required: true, whitespace: true, message: t.required }]}
          >
            <Input.TextArea rows={6} placeholder={'13800000001\n13900000002'} />
          </Form.Item>
          <Form.Item name="reason" label={t.reason}>
            <Input maxLength={200} placeholder={t.reasonPlaceholder} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
