/**
 * The search form of the list pages (messages, uplinks, audit): the page's filter fields in one
 * inline row, then 查询 and 重置. The page owns the form (`Form.useForm`) and decides what a search
 * and a reset mean.
 */
import type { ReactNode } from 'react';
import { Button, Card, Form, Space, type FormInstance } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { defineTexts, useTexts } from '../i18n.js';

const TEXTS = defineTexts({
  zh: { search: '查询', reset: '重置' },
  en: { search: 'Search', reset: 'Reset' },
});

export function SearchForm<F extends object>(props: {
  form: FormInstance<F>;
  onSearch: (values: F) => void;
  onReset: () => void;
  initialValues?: Partial<F>;
  title?: string;
  children: ReactNode;
}) {
  const t = useTexts(TEXTS);
  return (
    <Card size="small" {...(props.title !== undefined && { title: props.title })}>
      <Form<F>
        form={props.form}
        layout="inline"
        {...(props.initialValues !== undefined && { initialValues: props.initialValues })}
        onFinish={props.onSearch}
        style={{ rowGap: 12 }}
      >
        {props.children}
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              {t.search}
            </Button>
            <Button onClick={props.onReset}>{t.reset}</Button>
          </Space>
        </Form.Item>
      </Form>
    </Card>
  );
}
