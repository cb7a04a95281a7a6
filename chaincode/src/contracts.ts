import { AgencyContract } from './agency/agency-contract';
import { SealContract } from './seal/seal-contract';
import { AnchorContract } from './anchor/anchor-contract';
import { LicenceContract } from './licence/licence-contract';
import { AuditContract } from './audit/audit-contract';
import { ReceiptContract } from './receipt/receipt-contract';
import { CaseContract } from './case/case-contract';

/** Every contract of the chaincode, in the order fabric-contract-api registers them (the first is the default). */
export const contracts = [AgencyContract, SealContract, AnchorContract, LicenceContract, AuditContract, ReceiptContract, CaseContract];
