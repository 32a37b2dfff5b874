/**
 * Reply texts: what the platform answers citizens. An edit is checked as it is typed
 * (the server's preview: sample values filled in, length with the longest values against one SMS)
 * and again when saved; the engine uses the saved text at once.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Drawer,
  Input,
  message as antMessage,
  Popconfirm,
  Progress,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { api } from '../api.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';

const TEXTS = defineTexts({
  zh: {
    title: '市民回复模板',
    intro:
      '平台自动回复市民上行指令时使用的短信内容，签名 {signature} 自动加在前面。每条须在代入最长变量值后仍为一条短信。',
    search: '按用途或内容筛选',
    refresh: '刷新',
    key: '模板',
    purpose: '用途',
    content: '当前内容',
    variables: '变量',
    state: '状态',
    builtIn: '默认',
    edited: '已修改',
    editedBy: '{by} 修改于 {at}',
    actions: '操作',
    edit: '编辑',
    reset: '恢复默认',
    resetConfirm: '将“{key}”恢复为默认内容？',
    ok: '确定',
    cancel: '取消',
    drawerTitle: '编辑回复模板 · {key}',
    defaultText: '默认内容',
    insert: '点击插入变量：',
    length: '最长情况 {n} / {limit} 字（含签名）',
    preview: '预览（示例数据）',
    save: '保存',
    saved: '已保存，新内容立即生效',
    resetDone: '已恢复默认内容',
    empty: '没有匹配的模板',
  },
  en: {
    title: 'Citizen reply texts',
    intro:
      'What the platform answers citizens; the signature {signature} is put in front. Each must stay one SMS with the longest variable values.',
    search: 'Filter by purpose or text',
    refresh: 'Refresh',
    key: 'Key',
    purpose: 'Purpose',
    content: 'Current text',
    variables: 'Variables',
    state: 'State',
    builtIn: 'Default',
    edited: 'Edited',
    editedBy: 'by {by} at {at}',
    actions: 'Actions',
    edit: 'Edit',
    reset: 'Reset',
    resetConfirm: 'Reset "{key}" to its default text?',
    ok: 'OK',
    cancel: 'Cancel',
    drawerTitle: 'Edit reply text · {key}',
    defaultText: 'Default text',
    insert: 'Insert a variable:',
    length: 'Longest case {n} / {limit} characters (with signature)',
    preview: 'Preview (sample data)',
    save: 'Save',
    saved: 'Saved; in use at once',
    resetDone: 'Back to the default text',
    empty: 'No matching texts',
  },
});

interface Preview {
  text: string;
  chars: number;
  limit: number;
  segments: number;
  problem: string | null;
}
interface ReplyRow {
  key: string;
  purpose: { zh: string; en: string };
  builtIn: string;
  content: string;
  variables: string[];
  edited: { by: string; at: string } | null;
  preview: Preview;
}

export default function RepliesPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const [rows, setRows] = useState<ReplyRow[]>([]);
  const [signature, setSignature] = useState('');
  const [loading, setLoading] = useState(true);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<ReplyRow | null>(null);
  const [draft, setDraft] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [saving, setSaving] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const answer = await api.get<{ signature: string; replies: ReplyRow[] }>('replies');
      setRows(answer.replies);
      setSignature(answer.signature);
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [lang, message]);

  useEffect(() => {
    void load();
  }, [load]);

  // The server measures and fills the draft, a short moment after the last keystroke.
  useEffect(() => {
    if (!editing) return;
    const timer = setTimeout(() => {
      api
        .post<Preview>('replies/preview', { key: editing.key, content: draft })
        .then(setPreview)
        .catch((err: unknown) => void message.error(errorText(lang, err)));
    }, 250);
    return () => clearTimeout(timer);
  }, [draft, editing, lang, message]);

  const open = (row: ReplyRow) => {
    setEditing(row);
    setDraft(row.content);
    setPreview(row.preview);
  };
  const save = async () => {
    if (!editing) return;
    setSaving(true);
    try {
      await api.put(`replies/${editing.key}`, { content: draft });
      void message.success(t.saved);
      setEditing(null);
      await load();
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };
  const reset = async (key: string) => {
    try {
      await api.delete(`replies/${key}`);
      void message.success(t.resetDone);
      setEditing(null);
      await load();
    } catch (err) {
      void message.error(errorText(lang, err));
    }
  };

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return rows.filter(
      (r) =>
        r.key.toLowerCase().includes(f) ||
        r.purpose[lang].toLowerCase().includes(f) ||
        r.content.includes(filter.trim()),
    );
  }, [rows, filter, lang]);

  const columns: TableColumnsType<ReplyRow> = [
    {
      title: t.key,
      dataIndex: 'key',
      width: 220,
      render: (key: string, r) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{r.purpose[lang]}</Typography.Text>
          <Typography.Text type="secondary" code style={{ fontSize: 12 }}>
            {key}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t.content, dataIndex: 'content', render: (s: string) => <Typography.Text>{s}</Typography.Text> },
    {
      title: t.variables,
      dataIndex: 'variables',
      width: 180,
      render: (vars: string[]) => (
        <Space size={[0, 4]} wrap>
          {vars.map((v) => (
            <Tag key={v} color="geekblue">{`{${v}}`}</Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t.state,
      key: 'state',
      width: 100,
      render: (_, r) =>
        r.edited ? (
          <Tooltip title={fill(t.editedBy, { by: r.edited.by, at: beijingTime(r.edited.at) })}>
            <Tag color="orange">{t.edited}</Tag>
          </Tooltip>
        ) : (
          <Tag>{t.builtIn}</Tag>
        ),
    },
    {
      title: t.actions,
      key: 'actions',
      width: 150,
      render: (_, r) => (
        <Space>
          <Typography.Link onClick={() => open(r)} data-testid={`edit-${r.key}`}>
            {t.edit}
          </Typography.Link>
          {r.edited && (
            <Popconfirm
              title={fill(t.resetConfirm, { key: r.purpose[lang] })}
              okText={t.ok}
              cancelText={t.cancel}
              onConfirm={() => void reset(r.key)}
            >
              <Typography.Link type="danger">{t.reset}</Typography.Link>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const percent = preview ? Math.min(100, Math.round((preview.chars / preview.limit) * 100)) : 0;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {messageHolder}
      <Card
        title={t.title}
        extra={
          <Space>
            <Input.Search
              allowClear
              placeholder={t.search}
              onChange={(e) => setFilter(e.target.value)}
              style={{ width: 240 }}
            />
            <Button icon={<ReloadOutlined />} onClick={() => void load()}>
              {t.refresh}
            </Button>
          </Space>
        }
      >
        <Alert
          type="info"
          showIcon
          title={fill(t.intro, { signature: signature })}
          style={{ marginBottom: 16 }}
        />
        <Table<ReplyRow>
          rowKey="key"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={shown}
          locale={{ emptyText: t.empty }}
          pagination={{ pageSize: 10, showSizeChanger: false }}
        />
      </Card>
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        size={560}
        title={editing ? fill(t.drawerTitle, { key: editing.purpose[lang] }) : ''}
        destroyOnHidden
        extra={
          <Space>
            {editing?.edited && (
              <Popconfirm
                title={fill(t.resetConfirm, { key: editing.purpose[lang] })}
                okText={t.ok}
                cancelText={t.cancel}
                onConfirm={() => void reset(editing.key)}
              >
                <Button danger>{t.reset}</Button>
              </Popconfirm>
            )}
            <Button
              type="primary"
              loading={saving}
              disabled={preview?.problem != null}
              onClick={() => void save()}
              data-testid="reply-save"
            >
              {t.save}
            </Button>
          </Space>
        }
      >
        {editing && (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <div>
              <Typography.Text type="secondary">{t.defaultText}</Typography.Text>
              <Typography.Paragraph copyable style={{ marginTop: 4 }}>
                {editing.builtIn}
              </Typography.Paragraph>
            </div>
            <Input.TextArea
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              autoSize={{ minRows: 4, maxRows: 8 }}
              maxLength={500}
              data-testid="reply-content"
            />
            {editing.variables.length > 0 && (
              <Space size={[4, 4]} wrap>
                <Typography.Text type="secondary">{t.insert}</Typography.Text>
                {editing.variables.map((v) => (
                  <Tag
                    key={v}
                    color="geekblue"
                    style={{ cursor: 'pointer' }}
                    onClick={() => setDraft((d) => `${d}{${v}}`)}
                  >
                    {`{${v}}`}
                  </Tag>
                ))}
              </Space>
            )}
            {preview && (
              <>
                <div>
                  <Typography.Text type={preview.problem ? 'danger' : 'secondary'} data-testid="reply-length">
                    {fill(t.length, { n: preview.chars, limit: preview.limit })}
                  </Typography.Text>
                  <Progress
                    percent={percent}
                    size="small"
                    status={preview.problem ? 'exception' : 'normal'}
                    showInfo={false}
                  />
                </div>
                {preview.problem && (
                  <Alert type="error" showIcon title={preview.problem} data-testid="reply-problem" />
                )}
                <Card size="small" title={t.preview} style={{ background: '#f6f8fa' }}>
                  <Typography.Text data-testid="reply-preview">{preview.text}</Typography.Text>
                </Card>
              </>
            )}
          </Space>
        )}
      </Drawer>
    </Space>
  );
}
