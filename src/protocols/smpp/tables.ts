/**
 * SMPP 3.4 PDUs as field tables (SMPP v3.4 Issue 1.2, chapter 4; protocols docs/protocols.md §4). Command
 * names are the specification's own (`submit_sm`), so `pdu decode` and the shared vectors read the
 * same; field names are the spec's names in camelCase.
 *
 * Every body that may carry optional parameters ends in one TLV section over the whole tag table
 * of §5.3 (docs/protocols.md §4.6): SMPP tags are unique across commands, so one table reads them all, and
 * unknown tags (vendor ones such as 0x1454) are kept, not refused.
 */
import { bytesWithLength, cstring, lengthOf, mayBeAbsent, tlv, tlvs, u32, u8 } from '../codec/fields.js';
import { defineProtocol } from '../codec/protocol.js';

/** command_id values (§5.1.2; docs/protocols.md §4.2); a response is the request | 0x80000000. */
export const SMPP_COMMAND_IDS = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

/** interface_version of a bind: 0x34 = SMPP 3.4 (§5.2.4). */
export const SMPP_INTERFACE_VERSION = 0x34;

/** Optional parameters (§5.3.2; docs/protocols.md §4.6), with the value kinds of the spec's tables. */
export const SMPP_TLVS = [
  tlv('destAddrSubunit', 0x0005, 'u8', 'dest_addr_subunit'),
  tlv('destNetworkType', 0x0006, 'u8', 'dest_network_type'),
  tlv('destBearerType', 0x0007, 'u8', 'dest_bearer_type'),
  tlv('destTelematicsId', 0x0008, 'u16', 'dest_telematics_id'),
  tlv('sourceAddrSubunit', 0x000d, 'u8', 'source_addr_subunit'),
  tlv('sourceNetworkType', 0x000e, 'u8', 'source_network_type'),
  tlv('sourceBearerType', 0x000f, 'u8', 'source_bearer_type'),
  tlv('sourceTelematicsId', 0x0010, 'u16', 'source_telematics_id'),
  tlv('qosTimeToLive', 0x0017, 'u32', 'qos_time_to_live'),
  tlv('payloadType', 0x0019, 'u8', 'payload_type'),
  tlv('additionalStatusInfoText', 0x001d, 'cstring', 'additional_status_info_text'),
  tlv('receiptedMessageId', 0x001e, 'cstring', 'receipted_message_id'),
  tlv('msMsgWaitFacilities', 0x0030, 'u8', 'ms_msg_wait_facilities'),
  tlv('privacyIndicator', 0x0201, 'u8', 'privacy_indicator'),
  tlv('sourceSubaddress', 0x0202, 'octets', 'source_subaddress'),
  tlv('destSubaddress', 0x0203, 'octets', 'dest_subaddress'),
  tlv('userMessageReference', 0x0204, 'u16', 'user_message_reference'),
  tlv('userResponseCode', 0x0205, 'u8', 'user_response_code'),
  tlv('sourcePort', 0x020a, 'u16', 'source_port'),
  tlv('destinationPort', 0x020b, 'u16', 'destination_port'),
  tlv('sarMsgRefNum', 0x020c, 'u16', 'sar_msg_ref_num'),
  tlv('languageIndicator', 0x020d, 'u8', 'language_indicator'),
  tlv('sarTotalSegments', 0x020e, 'u8', 'sar_total_segments'),
  tlv('sarSegmentSeqnum', 0x020f, 'u8', 'sar_segment_seqnum'),
  tlv('scInterfaceVersion', 0x0210, 'u8', 'sc_interface_version'),
  tlv('callbackNumPresInd', 0x0302, 'u8', 'callback_num_pres_ind'),
  tlv('callbackNumAtag', 0x0303, 'octets', 'callback_num_atag'),
  tlv('numberOfMessages', 0x0304, 'u8', 'number_of_messages'),
  tlv('callbackNum', 0x0381, 'octets', 'callback_num'),
  tlv('dpfResult', 0x0420, 'u8', 'dpf_result'),
  tlv('setDpf', 0x0421, 'u8', 'set_dpf'),
  tlv('msAvailabilityStatus', 0x0422, 'u8', 'ms_availability_status'),
  // 3 octets (type + 2-octet code) by the spec; some SMSCs send ASCII "000" (docs/protocols.md §4.6): raw.
  tlv('networkErrorCode', 0x0423, 'octets', 'network_error_code'),
  tlv('messagePayload', 0x0424, 'octets', 'message_payload'),
  tlv('deliveryFailureReason', 0x0425, 'u8', 'delivery_failure_reason'),
  tlv('moreMessagesToSend', 0x0426, 'u8', 'more_messages_to_send'),
  tlv('messageState', 0x0427, 'u8', 'message_state'),
  tlv('ussdServiceOp', 0x0501, 'u8', 'ussd_service_op'),
  tlv('displayTime', 0x1201, 'u8', 'display_time'),
  tlv('smsSignal', 0x1203, 'u16', 'sms_signal'),
  tlv('msValidity', 0x1204, 'u8', 'ms_validity'),
  // Zero-length by the spec (§5.3.2.41): its presence is the value.
  tlv('alertOnMessageDelivery', 0x130c, 'octets', 'alert_on_message_delivery'),
  tlv('itsReplyType', 0x1380, 'u8', 'its_reply_type'),
  tlv('itsSessionInfo', 0x1383, 'octets', 'its_session_info'),
] as const;

const optional = tlvs('tlvs', SMPP_TLVS, 'optional_parameters');

/** Header after command_length and command_id (§3.2): 16 octets in all. */
const header = [u32('commandStatus', 'command_status'), u32('sequenceNumber', 'sequence_number')] as const;

/**
 * Largest command_length accepted. SMPP sets none, but message_payload holds at most 64 K (§5.3.2.32);
 * anything bigger is not SMPP and is refused before a buffer is allocated (docs/protocols.md §0).
 */
const MAX_LENGTH = 70_000;

/** bind_transmitter / bind_receiver / bind_transceiver (§4.1.1, §4.1.3, §4.1.5). */
const bindBody = [
  cstring('systemId', 16, 'system_id'),
  cstring('password', 9, 'password'),
  cstring('systemType', 13, 'system_type'),
  u8('interfaceVersion', 'interface_version'),
  u8('addrTon', 'addr_ton'),
  u8('addrNpi', 'addr_npi'),
  cstring('addressRange', 41, 'address_range'),
] as const;

/** bind_*_resp (§4.1.2): system_id may be missing when command_status is an error (docs/protocols.md §4.3). */
const bindRespBody = [mayBeAbsent(cstring('systemId', 16, 'system_id')), optional] as const;

/** submit_sm (§4.4.1) and deliver_sm (§4.6.1) share their mandatory fields (docs/protocols.md §4.4). */
const shortMessageBody = [
  cstring('serviceType', 6, 'service_type'),
  u8('sourceAddrTon', 'source_addr_ton'),
  u8('sourceAddrNpi', 'source_addr_npi'),
  cstring('sourceAddr', 21, 'source_addr'),
  u8('destAddrTon', 'dest_addr_ton'),
  u8('destAddrNpi', 'dest_addr_npi'),
  cstring('destinationAddr', 21, 'destination_addr'),
  u8('esmClass', 'esm_class'),
  u8('protocolId', 'protocol_id'),
  u8('priorityFlag', 'priority_flag'),
  cstring('scheduleDeliveryTime', 17, 'schedule_delivery_time'),
  cstring('validityPeriod', 17, 'validity_period'),
  u8('registeredDelivery', 'registered_delivery'),
  u8('replaceIfPresentFlag', 'replace_if_present_flag'),
  u8('dataCoding', 'data_coding'),
  u8('smDefaultMsgId', 'sm_default_msg_id'),
  lengthOf('smLength', 1, 'sm_length'),
  bytesWithLength('shortMessage', 'smLength', { spec: 'short_message', max: 254 }),
  optional,
] as const;

/**
 * A response's message_id (§4.4.2, §4.6.2, §4.7.2). submit_sm_resp may come without it (a 16-octet
 * PDU) and with it on error; deliver_sm_resp carries NULL, some SMSCs an id or nothing (docs/protocols.md §4.4).
 * SMPP 3.4 gives these responses no optional parameters, but later versions do: they are read.
 */
const messageIdRespBody = [mayBeAbsent(cstring('messageId', 65, 'message_id')), optional] as const;

export const SMPP34 = defineProtocol({
  protocol: 'smpp',
  lengthSpec: 'command_length',
  commandSpec: 'command_id',
  header,
  maxLength: MAX_LENGTH,
  commands: {
    /** §4.3.1 — header only; command_status says why. */
    generic_nack: { id: SMPP_COMMAND_IDS.generic_nack, body: [] },
    bind_receiver: { id: SMPP_COMMAND_IDS.bind_receiver, body: bindBody },
    bind_receiver_resp: { id: SMPP_COMMAND_IDS.bind_receiver_resp, body: bindRespBody },
    bind_transmitter: { id: SMPP_COMMAND_IDS.bind_transmitter, body: bindBody },
    bind_transmitter_resp: { id: SMPP_COMMAND_IDS.bind_transmitter_resp, body: bindRespBody },
    bind_transceiver: { id: SMPP_COMMAND_IDS.bind_transceiver, body: bindBody },
    bind_transceiver_resp: { id: SMPP_COMMAND_IDS.bind_transceiver_resp, body: bindRespBody },
    /** §4.8.1. */
    query_sm: {
      id: SMPP_COMMAND_IDS.query_sm,
      body: [
        cstring('messageId', 65, 'message_id'),
        u8('sourceAddrTon', 'source_addr_ton'),
        u8('sourceAddrNpi', 'source_addr_npi'),
        cstring('sourceAddr', 21, 'source_addr'),
      ],
    },
    /** §4.8.2 — final_date is empty or 17 characters. */
    query_sm_resp: {
      id: SMPP_COMMAND_IDS.query_sm_resp,
      body: [
        cstring('messageId', 65, 'message_id'),
        cstring('finalDate', 17, 'final_date'),
        u8('messageState', 'message_state'),
        u8('errorCode', 'error_code'),
      ],
    },
    submit_sm: { id: SMPP_COMMAND_IDS.submit_sm, body: shortMessageBody },
    submit_sm_resp: { id: SMPP_COMMAND_IDS.submit_sm_resp, body: messageIdRespBody },
    deliver_sm: { id: SMPP_COMMAND_IDS.deliver_sm, body: shortMessageBody },
    deliver_sm_resp: { id: SMPP_COMMAND_IDS.deliver_sm_resp, body: messageIdRespBody },
    /** §4.2 — header only, either side may send it. */
    unbind: { id: SMPP_COMMAND_IDS.unbind, body: [] },
    unbind_resp: { id: SMPP_COMMAND_IDS.unbind_resp, body: [] },
    /** §4.11 — header only. */
    enquire_link: { id: SMPP_COMMAND_IDS.enquire_link, body: [] },
    enquire_link_resp: { id: SMPP_COMMAND_IDS.enquire_link_resp, body: [] },
    /** §4.7.1 — addresses are C ≤ 65 here, the text travels in message_payload. */
    data_sm: {
      id: SMPP_COMMAND_IDS.data_sm,
      body: [
        cstring('serviceType', 6, 'service_type'),
        u8('sourceAddrTon', 'source_addr_ton'),
        u8('sourceAddrNpi', 'source_addr_npi'),
        cstring('sourceAddr', 65, 'source_addr'),
        u8('destAddrTon', 'dest_addr_ton'),
        u8('destAddrNpi', 'dest_addr_npi'),
        cstring('destinationAddr', 65, 'destination_addr'),
        u8('esmClass', 'esm_class'),
        u8('registeredDelivery', 'registered_delivery'),
        u8('dataCoding', 'data_coding'),
        optional,
      ],
    },
    data_sm_resp: { id: SMPP_COMMAND_IDS.data_sm_resp, body: messageIdRespBody },
  },
});
