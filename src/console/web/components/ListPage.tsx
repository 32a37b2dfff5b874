/**
 * What every list page repeated: the card's toolbar (a filter box, the page's own controls, 刷新,
 * 导出 CSV) and the table with its empty text and pages — counted by the server (`paging`: the page
 * asks for one page at a time) or by the table (`pageSize`: every row is loaded), with the total in
 * words either way.
 */
import type { ReactNode } from 'react';
import { Button, Input, Space, Table, type TableProps } from 'antd';
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { defineTexts, useTexts } from '../i18n.js';

const TEXTS = defineTexts({
  zh: { refresh: '刷新', export: '导出 CSV' },
  en: { refresh: 'Refresh', export: 'Export CSV' },
});

export function ListToolbar(props: {
  /** A filter box; `onChange` follows the typing. */
  search?: { placeholder: string; onChange: (text: string) => void; width?: number };
  /** The page's own controls, between the filter box and 刷新. */
  children?: ReactNode;
  onRefresh?: () => void;
  /** The export's address (with the filters); null or absent: no export button. */
  exportHref?: string | null;
  exportTestId?: string;
  /** After the buttons: the page's main action (新建…). */
  action?: ReactNode;
}) {
  const t = useTexts(TEXTS);
  return (
    <Space wrap>
      {props.search && (
        <Input.Search
          allowClear
          placeholder={props.search.placeholder}
          style={{ width: props.search.width ?? 220 }}
          onChange={(e) => props.search?.onChange(e.target.value)}
        />
      )}
      {props.children}
      {props.onRefresh && (
        <Button icon={<ReloadOutlined />} onClick={props.onRefresh}>
          {t.refresh}
        </Button>
      )}
      {props.exportHref != null && (
        <Button
          icon={<DownloadOutlined />}
          href={props.exportHref}
          download
          {...(props.exportTestId !== undefined && { 'data-testid': props.exportTestId })}
        >
          {t.export}
        </Button>
      )}
      {props.action}
    </Space>
  );
}

export interface ServerPaging {
  page: number;
  pageSize: number;
  total: number;
  /** The page size is the page's, not the reader's to change. */
  fixedSize?: boolean;
  onChange: (page: number, pageSize: number) => void;
}

export function ListTable<T extends object>(
  props: Omit<TableProps<T>, 'dataSource' | 'pagination' | 'locale'> & {
    rows: readonly T[];
    empty: string;
    /** The total in words, e.g. 共 {n} 条. */
    totalText?: (n: number) => ReactNode;
    /** Pages the server counts; without it the table pages the rows it has. */
    paging?: ServerPaging;
    /** Rows per page when the table pages (20 unless said). */
    pageSize?: number;
  },
) {
  const { rows, empty, totalText, paging, pageSize = 20, ...table } = props;
  const showTotal = totalText && { showTotal: (n: number) => totalText(n) };
  return (
    <Table<T>
      size="middle"
      {...table}
      dataSource={rows}
      locale={{ emptyText: empty }}
      pagination={
        paging
          ? {
              current: paging.page,
              pageSize: paging.pageSize,
              total: paging.total,
              ...(paging.fixedSize !== true && {
                showSizeChanger: true,
                pageSizeOptions: [20, 50, 100, 200],
              }),
              onChange: paging.onChange,
              ...showTotal,
            }
          : { pageSize, hideOnSinglePage: true, ...showTotal }
      }
    />
  );
}
