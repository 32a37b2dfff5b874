/** Builds the gateway for a configured link, by protocol. */
import type { Logger } from 'pino';
import { createMinistryGateway, type FeedCursors } from './ministry/client.js';
import { createCmppGateway } from './cmpp/client.js';
import { createSgipGateway } from './sgip/client.js';
import { createSmgpGateway } from './smgp/client.js';
import { createSmppGateway } from './smpp/client.js';
import type { Gateway, GatewayConfig } from './gateway.js';

export function createGateway(
  config: GatewayConfig,
  deps: { logger: Logger; cursors?: FeedCursors },
): Gateway {
  switch (config.protocol) {
    case 'cmpp2':
    case 'cmpp3':
      return createCmppGateway(config, deps);
    case 'sgip':
      return createSgipGateway(config, deps);
    case 'smgp':
      return createSmgpGateway(config, deps);
    case 'smpp':
      return createSmppGateway(config, deps);
    case 'ministry':
      return createMinistryGateway(config, deps);
  }
}
