/**
 * The Templates page's dialogs: writing or editing a template (with the live counter of signature +
 * content and the variables found) and a reviewer's decision with a note.
 */
import { useMemo, useState } from 'react';
import { Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { placeholdersOf } from '../../../domain/placeholders.js';
import { measureText, TEXT_LIMITS } from '../../../domain/text/measure.js';
import { api } from '../api.js';
import { defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';

const TEXTS = defineTexts({
  zh: {
    name: '模板名称',
    app: '所属账户',
    allApps: '全部账户通用',
    content: '模板内容',
    approve: '通过',
    reject: '驳回',
    note: '审核意见',
    notePlaceholder: '驳回时须填写原因',
    approveTitle: '通过模板“{name}”',
    rejectTitle: '驳回模板“{name}”',
    createTitle: '新建模板',
    editTitle: '编辑模板',
    editHint: '修改后模板将重新进入待审核状态，审核通过前不能使用',
    contentPlaceholder: '不含签名；变量写作 {name}，发送时按号码或文件列填充',
    counter: '含签名 {units} / {limit} 字 · {segments} 条',
    counterNoSig: '不含签名 {units} 字 · {segments} 条（通用模板按各账户签名计）',
    found: '识别到的变量：',
    none: '无',
    save: '提交审核',
    cancel: '取消',
    required: '必填',
  },
  en: {
    name: 'Name',
    app: 'Account',
    allApps: 'All accounts',
    content: 'Content',
    approve: 'Approve',
    reject: 'Reject',
    note: 'Note',
    notePlaceholder: 'A reason is required to reject',
    approveTitle: 'Approve “{name}”',
    rejectTitle: 'Reject “{name}”',
    createTitle: 'New template',
    editTitle: 'Edit template',
    editHint: 'An edited template goes back to review and cannot be used until approved',
    contentPlaceholder: 'Without signature; variables as {name}, filled per number or file column',
    counter: '{units} / {limit} characters with the signature · {segments} SMS',
    counterNoSig: '{units} characters without signature · {segments} SMS (each account adds its own)',
    found: 'Variables found: ',
    none: 'none',
    save: 'Submit for review',
    cancel: 'Cancel',
    required: 'Required',
  },
});

export type TemplateStatus = 'pending' | 'approved' | 'rejected';

export interface TemplateRow {
  id: number;
  appId: number | null;
  appName: string | null;
  name: string;
  content: string;
  status: TemplateStatus;
  variables: string[];
  createdBy: string | null;
  updatedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

export interface AppOption {
  id: number;
  name: string;
  signature: string;
}

/** Signature + content as the Chinese carriers' links count it. */
export function measure(signature: string, content: string) {
  const m = measureText(signature + content, 'cn');
  return { ...m, limit: TEXT_LIMITS[m.coding].single };
}

export function TemplateDialog(props: {
  row: TemplateRow | null;
  apps: AppOption[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [form] = Form.useForm<{ appId: number | null; name: string; content: string }>();
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
      const body = { appId: values.appId, name: values.name, content: values.content };
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
  row: TemplateRow;
  decision: 'approve' | 'reject';
  onClose: () => void;
  onDone: () => void;
}) {
  const t = useTexts(TEXTS);
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
