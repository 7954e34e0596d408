// EIP-712 domains of the CTF exchanges (docs/polymarket-api.md §5.1, §5.2). The domain binds a
// signature to one exchange contract: an order signed for the neg-risk exchange does not verify
// against the ordinary one and vice versa, so picking the domain from the market's negRisk flag is
// part of signing correctly, not a detail.
import type { Address } from 'viem';
import { POLYGON_CONTRACTS, type ContractSet } from './contracts.ts';

export const EXCHANGE_DOMAIN_NAME = 'Polymarket CTF Exchange';

/** "1" is the legacy (pre-2026-04-28) exchange, "2" the CLOB V2 exchange. */
export type ExchangeVersion = 1 | 2;

export interface ExchangeDomain {
  name: typeof EXCHANGE_DOMAIN_NAME;
  version: '1' | '2';
  chainId: number;
  verifyingContract: Address;
}

export function exchangeAddress(
  version: ExchangeVersion,
  negRisk: boolean,
  contracts: ContractSet = POLYGON_CONTRACTS,
): Address {
  if (version === 2) return negRisk ? contracts.negRiskExchangeV2 : contracts.exchangeV2;
  return negRisk ? contracts.negRiskExchangeV1 : contracts.exchangeV1;
}

export function exchangeDomain(
  version: ExchangeVersion,
  negRisk: boolean,
  contracts: ContractSet = POLYGON_CONTRACTS,
): ExchangeDomain {
  return {
    name: EXCHANGE_DOMAIN_NAME,
    version: version === 2 ? '2' : '1',
    chainId: contracts.chainId,
    verifyingContract: exchangeAddress(version, negRisk, contracts),
  };
}

/** The V2 domain for an order: the neg-risk exchange when the market is neg-risk. */
export function orderDomainV2(negRisk: boolean, contracts: ContractSet = POLYGON_CONTRACTS): ExchangeDomain {
  return exchangeDomain(2, negRisk, contracts);
}

/** The legacy V1 domain, only used to recognise and verify orders from V1 bots. */
export function orderDomainV1(negRisk: boolean, contracts: ContractSet = POLYGON_CONTRACTS): ExchangeDomain {
  return exchangeDomain(1, negRisk, contracts);
}
