/** Many numbers pasted at once, with an optional reason, for the list the page shows. */
import { Form, Input, Modal } from 'antd';
import { useTexts } from '../../i18n.js';
import { TEXTS } from './texts.js';

export interface AddValues {
  numbers: string;
  reason?: string;
}

export function AddNumbersDialog(props: {
  /** null: the list cannot be added to (TD). */
  title: string | null;
  open: boolean;
  onCancel: () => void;
  /** Answers whether the numbers went in; the form is cleared when they did. */
  onAdd: (values: AddValues) => Promise<boolean>;
}) {
  const t = useTexts(TEXTS);
  const [form] = Form.useForm<AddValues>();
  const submit = async (values: AddValues) => {
    if (await props.onAdd(values)) form.resetFields();
  };
  return (
    <Modal
      open={props.open && props.title !== null}
      title={props.title ?? ''}
      okText={t.ok}
      cancelText={t.cancel}
      onOk={() => form.submit()}
      onCancel={props.onCancel}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} preserve={false}>
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
  );
}
