/**
 * Send: an operator sends under a business-system account to pasted numbers or an
 * uploaded .xlsx/.csv with per-row variables, with an approved template or free text. Every change
 * asks the server for a preview (debounced) — characters, segments and cost by the routes the
 * numbers take — a confirmation shows the totals, and the progress card follows the delivery.
 * The idempotency key lives until a send succeeds, so a second click never sends twice.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  message as antMessage,
  Modal,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import { SendOutlined } from '@ant-design/icons';
import { placeholdersOf } from '../../../../domain/placeholders.js';
import type { SendAppsAnswer, SendBody, SendOutcome, SendTemplatesAnswer } from '../../../contract/send.js';
import { api } from '../../api.js';
import { errorText, fill, useLang, useTexts } from '../../i18n.js';
import { useApi } from '../../use-api.js';
import { ConfirmSummary } from './Confirm.js';
import { ContentInput, VariablesInput, type ContentMode } from './Content.js';
import { SendPreview, useSendPreview } from './Preview.js';
import { SendProgress } from './Progress.js';
import { SendRecipients, type RecipientMode } from './Recipients.js';
import { TEXTS } from './texts.js';

function newKey(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

export default function SendPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const [modal, modalHolder] = Modal.useModal();

  const appsLoaded = useApi<SendAppsAnswer>('send/apps');
  const apps = appsLoaded.data?.apps ?? (appsLoaded.error === null ? null : []);
  const [appId, setAppId] = useState<number | null>(null);
  const templatesLoaded = useApi<SendTemplatesAnswer>(
    appId === null ? null : `send/templates?appId=${appId}`,
  );
  const templates = templatesLoaded.data?.templates ?? [];
  const [recipientMode, setRecipientMode] = useState<RecipientMode>('paste');
  const [mobiles, setMobiles] = useState('');
  const [file, setFile] = useState<{ name: string; data: string } | null>(null);
  const [contentMode, setContentMode] = useState<ContentMode>('text');
  const [templateId, setTemplateId] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [params, setParams] = useState<Record<string, string>>({});
  const [islong, setIslong] = useState(false);
  const [sendTime, setSendTime] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [outcome, setOutcome] = useState<SendOutcome | null>(null);
  const key = useRef(newKey());

  useEffect(() => {
    const first = appsLoaded.data?.apps[0]?.id;
    if (first !== undefined) setAppId((current) => current ?? first);
  }, [appsLoaded.data]);
  useEffect(() => setTemplateId(null), [appId]);

  const template = templates.find((x) => x.id === templateId) ?? null;
  const content = contentMode === 'template' ? (template?.content ?? '') : text;
  const variables = useMemo(() => placeholdersOf(content), [content]);
  // The file's columns as the last preview read them; kept by content, not identity (each preview
  // answers a new array, and the body depends on it).
  const [fileColumns, setFileColumns] = useState('');
  const columnsKey = recipientMode === 'file' ? fileColumns : '';
  const columns = useMemo(() => (columnsKey === '' ? [] : columnsKey.split('\u0000')), [columnsKey]);

  const body = useMemo((): SendBody | null => {
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

  // Nothing to estimate yet: a template not chosen and no numbers.
  const idle =
    contentMode === 'template' && templateId === null && recipientMode === 'paste' && mobiles === '';
  const { preview, previewError, previewing, clearPreview } = useSendPreview(
    body === null || outcome !== null || idle ? null : body,
  );
  useEffect(() => {
    if (preview) setFileColumns(preview.columns.join('\u0000'));
  }, [preview]);

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
      void appsLoaded.reload();
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setSubmitting(false);
    }
  };

  const confirm = () => {
    if (!preview || !app) return;
    void modal.confirm({
      title: t.confirmTitle,
      width: 480,
      okText: t.ok,
      cancelText: t.cancel,
      content: <ConfirmSummary app={app} preview={preview} sendTime={sendTime} />,
      onOk: submit,
    });
  };

  const again = () => {
    setOutcome(null);
    clearPreview();
    setMobiles('');
    setFile(null);
  };

  if (apps !== null && apps.length === 0)
    return (
      <Card>
        <Alert
          type="warning"
          showIcon
          title={t.noApps}
          {...(appsLoaded.error !== null && { description: appsLoaded.error })}
        />
      </Card>
    );

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
            <ContentInput
              mode={contentMode}
              onMode={setContentMode}
              text={text}
              onText={setText}
              templates={templates}
              templateId={templateId}
              onTemplateId={setTemplateId}
              signature={app?.signature ?? ''}
              preview={preview}
              hasContent={hasContent}
            />
            <VariablesInput
              variables={variables}
              columns={columns}
              params={params}
              onParam={(k, v) => setParams((p) => ({ ...p, [k]: v }))}
            />
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
