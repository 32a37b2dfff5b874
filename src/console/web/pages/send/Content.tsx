/**
 * The text of a send: typed freely or an approved template, with the counter the preview answers,
 * then one field per `{name}` variable — filled from the file's column when it has one.
 */
import { Form, Input, Select, Space, Tabs, Typography } from 'antd';
import type { SendPreviewData, UsableTemplate } from '../../../contract/send.js';
import { fill, useTexts } from '../../i18n.js';
import { TEXTS } from './texts.js';

export type ContentMode = 'template' | 'text';

export function ContentInput(props: {
  mode: ContentMode;
  onMode: (mode: ContentMode) => void;
  text: string;
  onText: (text: string) => void;
  templates: readonly UsableTemplate[];
  templateId: number | null;
  onTemplateId: (id: number) => void;
  signature: string;
  preview: SendPreviewData | null;
  hasContent: boolean;
}) {
  const t = useTexts(TEXTS);
  const template = props.templates.find((x) => x.id === props.templateId) ?? null;
  const tabs = [
    {
      key: 'text',
      label: t.freeText,
      children: (
        <Input.TextArea
          aria-label={t.content}
          rows={5}
          value={props.text}
          placeholder={t.textPlaceholder}
          onChange={(e) => props.onText(e.target.value)}
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
            value={props.templateId}
            onChange={(v: number) => props.onTemplateId(v)}
            options={props.templates.map((x) => ({ value: x.id, label: x.name }))}
          />
          {template && (
            <Typography.Paragraph type="secondary" style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
              {props.signature}
              {template.content}
            </Typography.Paragraph>
          )}
        </Space>
      ),
    },
  ];
  const { preview } = props;
  return (
    <Form.Item label={t.content} required>
      <Tabs
        type="card"
        activeKey={props.mode}
        onChange={(k) => props.onMode(k as ContentMode)}
        items={tabs}
      />
      {preview && props.hasContent && (
        <Typography.Text type={preview.message.fits ? 'secondary' : 'danger'} data-testid="send-counter">
          {fill(t.counter, {
            units: preview.message.units,
            limit: preview.message.limit,
            segments: preview.message.segments,
          })}
        </Typography.Text>
      )}
    </Form.Item>
  );
}

/** One field per variable; a variable the file has a column for is filled row by row. */
export function VariablesInput(props: {
  variables: readonly string[];
  columns: readonly string[];
  params: Record<string, string>;
  onParam: (name: string, value: string) => void;
}) {
  const t = useTexts(TEXTS);
  if (props.variables.length === 0) return null;
  return (
    <Form.Item label={t.variables}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        {props.variables.map((v) => (
          <Space.Compact key={v} style={{ width: '100%' }}>
            <Space.Addon style={{ minWidth: 96 }}>{v}</Space.Addon>
            {props.columns.includes(v) ? (
              <Input disabled value={fill(t.fromFile, { column: v })} />
            ) : (
              <Input
                aria-label={v}
                placeholder={t.variableValue}
                value={props.params[v] ?? ''}
                onChange={(e) => props.onParam(v, e.target.value)}
              />
            )}
          </Space.Compact>
        ))}
      </Space>
    </Form.Item>
  );
}
