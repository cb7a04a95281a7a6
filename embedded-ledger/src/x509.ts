/**
 * @peculiar/x509 set up for Node: its dependency injection needs the Reflect polyfill loaded before it,
 * and it signs and verifies through Node's WebCrypto. Import x509 from here, never directly.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto);

export { x509 };
