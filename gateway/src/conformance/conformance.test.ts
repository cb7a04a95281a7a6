import anyTest, { type TestFn } from 'ava';
import { type ConformanceContext, conformanceSuite } from './suite';
import { embeddedTarget } from './target';

/** The conformance suite on the embedded ledger (the same suite runs on Fabric: conformance.fabric.test.ts). */
conformanceSuite(anyTest as TestFn<ConformanceContext>, embeddedTarget);
