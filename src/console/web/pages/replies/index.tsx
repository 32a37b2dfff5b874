/**
 * Reply texts: what the platform answers citizens. An edit is checked as it is typed
 * (the server's preview: sample values filled in, length with the longest values against one SMS)
 * and again when saved; the engine uses the saved text at once. The calls: contract/replies.ts.
 */
import { useEffect, useMemo, useState } from 'react';
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
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { ListTable, ListToolbar } from '../../components/ListPage.js';
import type { RepliesAnswer, ReplyPreview, ReplyView } from '../../../contract/replies.js';
import { api } from '../../api.js';
import { beijingTime, errorText, fill, useLang, useTexts } from '../../i18n.js';
import { useAction, useApi } from '../../use-api.js';
import { TEXTS } from './texts.js';

export default function RepliesPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const { data, error, loading, reload } = useApi<RepliesAnswer>('replies');
  const act = useAction(reload);
  const signature = data?.signature ?? '';
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<ReplyView | null>(null);
  const [draft, setDraft] = useState('');
  const [preview, setPreview] = useState<ReplyPreview | null>(null);
  const [saving, setSaving] = useState(false);

  // The server measures and fills the draft, a short moment after the last keystroke.
  useEffect(() => {
    if (!editing) return;
    const timer = setTimeout(() => {
      api
        .post<ReplyPreview>('replies/preview', { key: editing.key, content: draft })
        .then(setPreview)
        .catch((err: unknown) => void message.error(errorText(lang, err)));
    }, 250);
    return () => clearTimeout(timer);
  }, [draft, editing, lang, message]);

  const open = (row: ReplyView) => {
    setEditing(row);
    setDraft(row.content);
    setPreview(row.preview);
  };
  const save = async () => {
    if (!editing) return;
    setSaving(true);
    if (await act(() => api.put(`replies/${editing.key}`, { content: draft }), t.saved)) setEditing(null);
    setSaving(false);
  };
  const reset = async (key: string) => {
    if (await act(() => api.delete(`replies/${key}`), t.resetDone)) setEditing(null);
  };

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (data?.replies ?? []).filter(
      (r) =>
        r.key.toLowerCase().includes(f) ||
        r.purpose[lang].toLowerCase().includes(f) ||
        r.content.includes(filter.trim()),
    );
  }, [data, filter, lang]);

  const columns: TableColumnsType<ReplyView> = [
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
          <ListToolbar
            search={{ placeholder: t.search, onChange: setFilter, width: 240 }}
            onRefresh={() => void reload()}
          />
        }
      >
        <Alert
          type="info"
          showIcon
          title={fill(t.intro, { signature: signature })}
          style={{ marginBottom: 16 }}
        />
        {error !== null && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <ListTable<ReplyView>
          rowKey="key"
          loading={loading}
          columns={columns}
          rows={shown}
          empty={t.empty}
          pageSize={10}
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
