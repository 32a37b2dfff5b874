/**
 * The Templates page's dialogs: writing or editing a template (its kind, and the live counter of
 * signature + content with the variables found) and a reviewer's decision with a note.
 */
import { useMemo, useState } from 'react';
import { Form, Input, Modal, Radio, Select, Space, Tag, Typography } from 'antd';
import type { TemplateApp, TemplateInput, TemplateView } from '../../../contract/templates.js';
import { TEMPLATE_KINDS } from '../../../../domain/template-kind.js';
import { placeholdersOf } from '../../../../domain/placeholders.js';
import { measureText, TEXT_LIMITS } from '../../../../domain/text/measure.js';
import { api } from '../../api.js';
import { errorText, fill, useLang } from '../../i18n.js';
import type { TemplateTexts } from './texts.js';

/** Signature + content as the Chinese carriers' links count it. */
export function measure(signature: string, content: string) {
  const m = measureText(signature + content, 'cn');
  return { ...m, limit: TEXT_LIMITS[m.coding].single };
}

export function TemplateDialog(props: {
  row: TemplateView | null;
  apps: TemplateApp[];
  t: TemplateTexts;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = props;
  const lang = useLang();
  const [form] = Form.useForm<Required<TemplateInput>>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const appId = Form.useWatch('appId', form) ?? null;
  // Undefined until the form mounts, whatever the form's type says.
  const content = (Form.useWatch('content', form) as string | undefined) ?? '';
  const signature = appId === null ? null : (props.apps.find((a) => a.id === appId)?.signature ?? '');
  const m = useMemo(() => measure(signature ?? '', content), [signature, content]);
  const variables = useMemo(() => placeholdersOf(content), [content]);

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      const body: TemplateInput = {
        appId: values.appId,
        name: values.name,
        kind: values.kind,
        content: values.content,
      };
      if (props.row) await api.put(`templates/${props.row.id}`, body);
      else await api.post('templates', body);
      props.onSaved();
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={props.row ? t.editTitle : t.createTitle}
      okText={t.save}
      cancelText={t.cancel}
      confirmLoading={saving}
      onOk={() => void save()}
      onCancel={props.onClose}
      width={560}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          appId: props.row?.appId ?? null,
          name: props.row?.name ?? '',
          kind: props.row?.kind ?? 'notice',
          content: props.row?.content ?? '',
        }}
      >
        {props.row && <Typography.Paragraph type="warning">{t.editHint}</Typography.Paragraph>}
        <Form.Item name="appId" label={t.app}>
          <Select
            aria-label={t.app}
            options={[
              { value: null, label: t.allApps },
              ...props.apps.map((a) => ({ value: a.id, label: `${a.name} ${a.signature}` })),
            ]}
          />
        </Form.Item>
        <Form.Item name="kind" label={t.kind}>
          <Radio.Group
            aria-label={t.kind}
            optionType="button"
            options={TEMPLATE_KINDS.map((k) => ({ value: k, label: t[k] }))}
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t.name}
          rules={[{ required: true, whitespace: true, message: t.required }]}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item
          name="content"
          label={t.content}
          rules={[{ required: true, whitespace: true, message: t.required }]}
          extra={
            <Space orientation="vertical" size={0}>
              <Typography.Text type={m.fitsSingle ? 'secondary' : 'warning'} data-testid="template-counter">
                {signature === null
                  ? fill(t.counterNoSig, { units: m.units, segments: m.segments })
                  : fill(t.counter, { units: m.units, limit: m.limit, segments: m.segments })}
              </Typography.Text>
              <span>
                {t.found}
                {variables.length === 0
                  ? t.none
                  : variables.map((v) => <Tag key={v} color="blue">{`{${v}}`}</Tag>)}
              </span>
            </Space>
          }
        >
          <Input.TextArea rows={4} maxLength={1000} placeholder={t.contentPlaceholder} />
        </Form.Item>
        {error !== null && <Typography.Text type="danger">{error}</Typography.Text>}
      </Form>
    </Modal>
  );
}

export function DecisionDialog(props: {
  row: TemplateView;
  decision: 'approve' | 'reject';
  t: TemplateTexts;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = props;
  const lang = useLang();
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reject = props.decision === 'reject';

  const decide = async () => {
    setSaving(true);
    setError(null);
    try {
      await api.post(
        `templates/${props.row.id}/${props.decision}`,
        note.trim() === '' ? {} : { note: note.trim() },
      );
      props.onDone();
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={fill(reject ? t.rejectTitle : t.approveTitle, { name: props.row.name })}
      okText={reject ? t.reject : t.approve}
      okButtonProps={{ danger: reject, disabled: reject && note.trim() === '' }}
      cancelText={t.cancel}
      confirmLoading={saving}
      onOk={() => void decide()}
      onCancel={props.onClose}
    >
      <Typography.Paragraph
        style={{ whiteSpace: 'pre-wrap', background: '#fafafa', padding: 12, borderRadius: 6 }}
      >
        {props.row.content}
      </Typography.Paragraph>
      <Input.TextArea
        aria-label={t.note}
        rows={3}
        maxLength={500}
        value={note}
        placeholder={reject ? t.notePlaceholder : t.note}
        onChange={(e) => setNote(e.target.value)}
      />
      {error !== null && <Typography.Text type="danger">{error}</Typography.Text>}
    </Modal>
  );
}
