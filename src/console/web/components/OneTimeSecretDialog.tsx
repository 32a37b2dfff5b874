/** A password shown once (a new console user's, a business system's): large, copyable, with a warning. */
import { Alert, Modal, Space, Typography } from 'antd';

export interface OneTimeSecretProps {
  /** The secret and whom it belongs to; null: closed. */
  shown: { intro: string; secret: string } | null;
  title: string;
  warning: string;
  closeText: string;
  testId: string;
  onClose: () => void;
}

export function OneTimeSecretDialog({
  shown,
  title,
  warning,
  closeText,
  testId,
  onClose,
}: OneTimeSecretProps) {
  return (
    <Modal
      open={shown !== null}
      title={title}
      onOk={onClose}
      onCancel={onClose}
      okText={closeText}
      cancelButtonProps={{ style: { display: 'none' } }}
      mask={{ closable: false }}
      destroyOnHidden
    >
      {shown && (
        <Space orientation="vertical" style={{ width: '100%' }} size="middle">
          <Typography.Text>{shown.intro}</Typography.Text>
          <Typography.Text code copyable={{ text: shown.secret }} style={{ fontSize: 20 }}>
            <span data-testid={testId}>{shown.secret}</span>
          </Typography.Text>
          <Alert type="warning" showIcon title={warning} />
        </Space>
      )}
    </Modal>
  );
}
