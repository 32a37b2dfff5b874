/** The Words page's add dialog: words typed or read from a file, one a line, with their action. */
import { useState } from 'react';
import { Button, Form, Input, message as antMessage, Modal, Radio, Space, Tag, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import type { WordsAdd, WordsAdded } from '../../../contract/words.js';
import { api } from '../../api.js';
import { errorText, fill, useLang, useTexts } from '../../i18n.js';
import { useSession } from '../../session.js';
import { propose, PROPOSE_TEXTS } from '../proposals/propose.js';
import type { WordsTexts } from './texts.js';

/** A word list file: one word a line, or a CSV whose first column holds them (a BOM and quotes dropped). */
function wordsFromFile(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => (line.split(/[,\t]/)[0] ?? '').replace(/^"|"$/g, '').trim())
    .filter((w) => w !== '');
}

export function AddDialog({
  open,
  t,
  onClose,
  onAdded,
}: {
  open: boolean;
  t: WordsTexts;
  onClose: () => void;
  onAdded: () => void;
}) {
  const lang = useLang();
  const pt = useTexts(PROPOSE_TEXTS);
  // An operator's words are a proposal the security administrator decides.
  const manage = useSession().can('list.manage');
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<WordsAdd>();

  const add = async () => {
    const values = await form.validateFields();
    setSaving(true);
    const body = {
      words: values.words,
      action: values.action,
      ...(values.note !== undefined && values.note.trim() !== '' && { note: values.note.trim() }),
    };
    try {
      if (!manage) {
        await propose({ kind: 'word.add', ...body });
        void antMessage.success(pt.proposed);
        form.resetFields();
        onAdded();
        return;
      }
      const r = await api.post<WordsAdded>('words', body);
      const parts = [fill(t.added, { n: r.added.length })];
      if (r.existing.length > 0) parts.push(fill(t.existing, { n: r.existing.length }));
      if (r.invalid.length > 0) parts.push(fill(t.invalid, { n: r.invalid.length }));
      void antMessage.success(parts.join('，'));
      form.resetFields();
      onAdded();
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t.add}
      okText={t.ok}
      cancelText={t.cancel}
      okButtonProps={{ loading: saving }}
      onOk={() => void add()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ action: 'block' }} preserve={false}>
        <Form.Item
          name="words"
          label={t.words}
          rules={[{ required: true, whitespace: true, message: t.wordsRequired }]}
        >
          <Input.TextArea rows={5} maxLength={20_000} data-testid="word-input" />
        </Form.Item>
        <Upload
          accept=".txt,.csv,text/plain,text/csv"
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then((text) => {
              const words = wordsFromFile(text);
              form.setFieldsValue({ words: words.join('\n') });
              void antMessage.success(fill(t.imported, { n: words.length, name: file.name }));
            });
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} data-testid="word-import" style={{ marginBottom: 16 }}>
            {t.importFile}
          </Button>
        </Upload>
        <Form.Item name="action" label={t.action}>
          <Radio.Group>
            <Space orientation="vertical">
              <Radio value="block">
                <Tag color="red">{t.block}</Tag> {t.blockHint}
              </Radio>
              <Radio value="review">
                <Tag color="orange">{t.review}</Tag> {t.reviewHint}
              </Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="note" label={t.note}>
          <Input maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
