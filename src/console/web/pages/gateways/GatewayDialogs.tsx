/** The dialogs of the Gateways page: a new rate and window for a link, and a link to add. */
import { useEffect } from 'react';
import { Alert, Form, Input, InputNumber, Modal, Select } from 'antd';
import type { GatewayAdd, GatewayView } from '../../../contract/gateways.js';
import { fill } from '../../i18n.js';
import type { GatewayTexts } from './texts.js';

export function TuneDialog(props: {
  g: GatewayView | null;
  t: GatewayTexts;
  onSave: (values: { tps: number; window: number }) => void;
  onClose: () => void;
}) {
  const { g, t } = props;
  const [form] = Form.useForm<{ tps: number; window: number }>();
  useEffect(() => {
    if (g) form.setFieldsValue({ tps: g.tps, window: g.window });
  }, [g, form]);
  return (
    <Modal
      open={g !== null}
      title={g ? fill(t.tuneTitle, { id: g.id }) : ''}
      okText={t.save}
      cancelText={t.cancel}
      onCancel={props.onClose}
      onOk={() => void form.validateFields().then(props.onSave)}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t.tuneHint} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical">
        <Form.Item name="tps" label={t.tpsLabel} rules={[{ required: true, message: t.required }]}>
          <InputNumber min={1} max={100_000} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="window" label={t.windowLabel} rules={[{ required: true, message: t.required }]}>
          <InputNumber min={1} max={1024} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

const PROTOCOL_OPTIONS = ['cmpp3', 'cmpp2', 'smgp', 'smpp'].map((p) => ({
  value: p,
  label: p.toUpperCase(),
}));
const CARRIER_KEYS = ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'] as const;

export function AddDialog(props: {
  open: boolean;
  t: GatewayTexts;
  onSave: (values: GatewayAdd) => void;
  onClose: () => void;
}) {
  const { t } = props;
  const [form] = Form.useForm<GatewayAdd>();
  const required = [{ required: true, message: t.required }];
  return (
    <Modal
      open={props.open}
      title={t.addTitle}
      okText={t.save}
      cancelText={t.cancel}
      onCancel={props.onClose}
      onOk={() => void form.validateFields().then(props.onSave)}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t.addHint} style={{ marginBottom: 16 }} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ protocol: 'cmpp3', host: '127.0.0.1', connections: 1, window: 16, tps: 200 }}
      >
        <Form.Item name="id" label={t.id} rules={required}>
          <Input maxLength={32} />
        </Form.Item>
        <Form.Item name="protocol" label={t.protocol} rules={required}>
          <Select options={PROTOCOL_OPTIONS} />
        </Form.Item>
        <Form.Item name="host" label={t.host} rules={required}>
          <Input />
        </Form.Item>
        <Form.Item name="port" label={t.port} rules={required}>
          <InputNumber min={1} max={65535} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="account" label={t.account} rules={required}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="secret" label={t.secret} rules={required}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="spNumber" label={t.spNumber} rules={required}>
          <Input />
        </Form.Item>
        <Form.Item name="carriers" label={t.carriers} rules={required}>
          <Select mode="multiple" options={CARRIER_KEYS.map((c) => ({ value: c, label: t[c] }))} />
        </Form.Item>
        <Form.Item name="connections" label={t.connections}>
          <InputNumber min={1} max={64} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="window" label={t.windowLabel}>
          <InputNumber min={1} max={1024} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="tps" label={t.tpsLabel}>
          <InputNumber min={1} max={100_000} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
