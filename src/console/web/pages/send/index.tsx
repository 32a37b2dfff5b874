/**
 * Send: an operator sends under a business-system account to pasted numbers or an
 * uploaded .xlsx/.csv with per-row variables, with an approved template or free text. Every change
 * asks the server for a preview (debounced) — characters, segments and cost by the routes the
 * numbers take — a confirmation shows the totals, and the progress card follows the delivery.
 * The idempotency key lives until a send succeeds, so a second click never sends twice.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  message as antMessage,
  Modal,
  Row,
  Select,
  Space,
  Switch,
  Tabs,
  Typography,
} from 'antd';
import { SendOutlined } from '@ant-design/icons';
import { placeholdersOf } from '../../../../domain/placeholders.js';
import { api } from '../../api.js';
import { SendPreview, type SendPreviewData } from '../../components/SendPreview.js';
import { SendRecipients, type RecipientMode } from '../../components/SendRecipients.js';
import { SendProgress, type SendOutcome } from '../../components/SendProgress.js';
import { errorText, fill, useLang, useTexts } from '../../i18n.js';
import { TEXTS } from './texts.js';

interface SendableApp {
  id: number;
  name: string;
  signature: string;
  balance: number;
  extCode: string;
}

interface UsableTemplate {
  id: number;
  name: string;
  content: string;
}

type ContentMode = 'template' | 'text';

function newKey(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

export default function SendPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const [modal, modalHolder] = Modal.useModal();

  const [apps, setApps] = useState<SendableApp[] | null>(null);
  const [appId, setAppId] = useState<number | null>(null);
  const [templates, setTemplates] = useState<UsableTemplate[]>([]);
  const [recipientMode, setRecipientMode] = useState<RecipientMode>('paste');
  const [mobiles, setMobiles] = useState('');
  const [file, setFile] = useState<{ name: string; data: string } | null>(null);
  const [contentMode, setContentMode] = useState<ContentMode>('text');
  const [templateId, setTemplateId] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [params, setParams] = useState<Record<string, string>>({});
  const [islong, setIslong] = useState(false);
  const [sendTime, setSendTime] = useState<string | null>(null);
  const [preview, setPreview] = useState<SendPreviewData | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [outcome, setOutcome] = useState<SendOutcome | null>(null);
  const key = useRef(newKey());

  const loadApps = useCallback(async () => {
    try {
      const list = (await api.get<{ apps: SendableApp[] }>('send/apps')).apps;
      setApps(list);
      setAppId((current) => current ?? list[0]?.id ?? null);
    } catch (err) {
      setApps([]);
      void message.error(errorText(lang, err));
    }
  }, [lang, message]);
  useEffect(() => void loadApps(), [loadApps]);

  useEffect(() => {
    if (appId === null) return;
    setTemplateId(null);
    void api
      .get<{ templates: UsableTemplate[] }>(`send/templates?appId=${appId}`)
      .then((r) => setTemplates(r.templates))
      .catch(() => setTemplates([]));
  }, [appId]);

  const template = templates.find((x) => x.id === templateId) ?? null;
  const content = contentMode === 'template' ? (template?.content ?? '') : text;
  const variables = useMemo(() => placeholdersOf(content), [content]);
  // Keyed by content, not identity: each preview answers a new array, and the body depends on it.
  const columnsKey = recipientMode === 'file' ? (preview?.columns ?? []).join('\u0000') : '';
  const columns = useMemo(() => (columnsKey === '' ? [] : columnsKey.split('\u0000')), [columnsKey]);

  const body = useMemo(() => {
    if (appId === null) return null;
    return {
      appId,
      ...(recipientMode === 'paste' ? { mobiles } : file ? { file } : {}),
      ...(contentMode === 'template' && templateId !== null ? { templateId } : { content: text }),
      params: Object.fromEntries(
        Object.entries(params).filter(([k, v]) => variables.includes(k) && !columns.includes(k) && v !== ''),
      ),
      islong,
      sendTime,
    };
  }, [
    appId,
    recipientMode,
    mobiles,
    file,
    contentMode,
    templateId,
    text,
    params,
    variables,
    columns,
    islong,
    sendTime,
  ]);

  // Debounced preview: the counter and cost follow the typing without a request per key.
  useEffect(() => {
    if (body === null || outcome !== null) return;
    if (contentMode === 'template' && templateId === null && recipientMode === 'paste' && mobiles === '')
      return;
    let cancelled = false;
    const timer = window.setTimeout(() => {
      setPreviewing(true);
      api
        .post<SendPreviewData>('send/preview', body)
        .then((p) => {
          if (cancelled) return;
          setPreview(p);
          setPreviewError(null);
        })
        .catch((err: unknown) => {
          if (!cancelled) setPreviewError(errorText(lang, err));
        })
        .finally(() => {
          if (!cancelled) setPreviewing(false);
        });
    }, 400);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [body, outcome, lang, contentMode, templateId, recipientMode, mobiles]);

  const app = apps?.find((a) => a.id === appId) ?? null;
  const hasRecipients = recipientMode === 'paste' ? mobiles.trim() !== '' : file !== null;
  const hasContent = content.trim() !== '';
  const canSend =
    preview !== null &&
    previewError === null &&
    !previewing &&
    hasRecipients &&
    hasContent &&
    preview.recipients.valid > 0 &&
    preview.words.block.length === 0 &&
    !preview.insufficient;

  const submit = async () => {
    if (body === null) return;
    setSubmitting(true);
    try {
      const result = await api.post<SendOutcome>('send', { ...body, idempotencyKey: key.current });
      setOutcome(result);
      key.current = newKey();
      void message.success(t.sent);
      void loadApps();
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setSubmitting(false);
    }
  };

  const confirm = () => {
    if (!preview || !app) return;
    const row = (label: string, value: string | number) => (
      <Row key={label} style={{ padding: '4px 0' }}>
        <Col span={10}>
          <Typography.Text type="secondary">{label}</Typography.Text>
        </Col>
        <Col span={14}>
          <Typography.Text strong>{value}</Typography.Text>
        </Col>
      </Row>
    );
    void modal.confirm({
      title: t.confirmTitle,
      width: 480,
      okText: t.ok,
      cancelText: t.cancel,
      content: (
        <div data-testid="send-confirm">
          {row(t.confirmApp, `${app.name} ${app.signature}`)}
          {row(t.confirmRecipients, preview.recipients.valid)}
          {row(t.confirmInvalid, preview.recipients.invalid + preview.recipients.duplicates)}
          {row(t.confirmCost, preview.cost)}
          {row(t.confirmBalance, preview.balanceAfter)}
          {row(t.confirmTime, sendTime ?? t.now)}
          {preview.review.required && (
            <Alert type="warning" showIcon title={fill(t.confirmReview, { n: preview.review.threshold })} />
          )}
        </div>
      ),
      onOk: submit,
    });
  };

  const again = () => {
    setOutcome(null);
    setPreview(null);
    setMobiles('');
    setFile(null);
  };

  if (apps !== null && apps.length === 0)
    return (
      <Card>
        <Alert type="warning" showIcon title={t.noApps} />
      </Card>
    );

  const contentTabs = [
    {
      key: 'text',
      label: t.freeText,
      children: (
        <Input.TextArea
          aria-label={t.content}
          rows={5}
          value={text}
          placeholder={t.textPlaceholder}
          onChange={(e) => setText(e.target.value)}
        />
      ),
    },
    {
      key: 'template',
      label: t.template,
      children: (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Select
            aria-label={t.template}
            style={{ width: '100%' }}
            placeholder={t.templatePlaceholder}
            notFoundContent={t.noTemplates}
            value={templateId}
            onChange={(v: number) => setTemplateId(v)}
            options={templates.map((x) => ({ value: x.id, label: x.name }))}
          />
          {template && (
            <Typography.Paragraph type="secondary" style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
              {app?.signature}
              {template.content}
            </Typography.Paragraph>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Row gutter={16} align="top">
      {messageHolder}
      {modalHolder}
      <Col xs={24} xl={14}>
        <Card title={t.title}>
          <Form layout="vertical">
            <Form.Item label={t.app} required>
              <Select
                aria-label={t.app}
                loading={apps === null}
                value={appId}
                placeholder={t.appPlaceholder}
                onChange={(v: number) => setAppId(v)}
                disabled={outcome !== null}
                options={(apps ?? []).map((a) => ({
                  value: a.id,
                  label: fill(t.appOption, { name: a.name, signature: a.signature, balance: a.balance }),
                }))}
              />
            </Form.Item>
            <Form.Item label={t.recipients} required>
              <SendRecipients
                mode={recipientMode}
                onMode={setRecipientMode}
                mobiles={mobiles}
                onMobiles={setMobiles}
                file={file}
                onFile={setFile}
              />
            </Form.Item>
            <Form.Item label={t.content} required>
              <Tabs
                type="card"
                activeKey={contentMode}
                onChange={(k) => setContentMode(k as ContentMode)}
                items={contentTabs}
              />
              {preview && hasContent && (
                <Typography.Text
                  type={preview.message.fits ? 'secondary' : 'danger'}
                  data-testid="send-counter"
                >
                  {fill(t.counter, {
                    units: preview.message.units,
                    limit: preview.message.limit,
                    segments: preview.message.segments,
                  })}
                </Typography.Text>
              )}
            </Form.Item>
            {variables.length > 0 && (
              <Form.Item label={t.variables}>
                <Space orientation="vertical" style={{ width: '100%' }}>
                  {variables.map((v) => (
                    <Space.Compact key={v} style={{ width: '100%' }}>
                      <Space.Addon style={{ minWidth: 96 }}>{v}</Space.Addon>
                      {columns.includes(v) ? (
                        <Input disabled value={fill(t.fromFile, { column: v })} />
                      ) : (
                        <Input
                          aria-label={v}
                          placeholder={t.variableValue}
                          value={params[v] ?? ''}
                          onChange={(e) => setParams((p) => ({ ...p, [v]: e.target.value }))}
                        />
                      )}
                    </Space.Compact>
                  ))}
                </Space>
              </Form.Item>
            )}
            <Form.Item label={t.options}>
              <Space size="large" wrap>
                <Space>
                  <Switch checked={islong} onChange={setIslong} aria-label={t.islong} />
                  <span>{t.islong}</span>
                  <Typography.Text type="secondary">{t.islongHint}</Typography.Text>
                </Space>
                <Space>
                  <span>{t.schedule}</span>
                  <DatePicker
                    showTime
                    placeholder={t.schedulePlaceholder}
                    format="YYYY-MM-DD HH:mm"
                    disabledDate={(d) => d.endOf('day').valueOf() < Date.now()}
                    onChange={(d) => setSendTime(d ? d.format('YYYY-MM-DD HH:mm:00') : null)}
                  />
                </Space>
              </Space>
            </Form.Item>
            <Form.Item style={{ marginBottom: 0 }}>
              <Space>
                <Button
                  type="primary"
                  icon={<SendOutlined />}
                  disabled={!canSend || outcome !== null}
                  loading={submitting}
                  onClick={confirm}
                  data-testid="send-submit"
                >
                  {t.submit}
                </Button>
                {!hasRecipients && <Typography.Text type="secondary">{t.needRecipients}</Typography.Text>}
                {hasRecipients && !hasContent && (
                  <Typography.Text type="secondary">{t.needContent}</Typography.Text>
                )}
              </Space>
            </Form.Item>
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          {outcome && <SendProgress outcome={outcome} onAgain={again} />}
          {previewError !== null && outcome === null && (
            <Alert
              type="error"
              showIcon
              title={t.previewError}
              description={previewError}
              data-testid="preview-error"
            />
          )}
          {outcome === null && <SendPreview data={preview} loading={previewing} />}
        </Space>
      </Col>
    </Row>
  );
}
