// Polymarket contract addresses and chain ids (docs/polymarket-api.md §5.1, §5.2, §7.1).
// Everything that depends on them takes a `ContractSet` parameter so the local simulator (or a
// fork/testnet) can run the exact same signing and verification code against its own addresses.
import { getAddress, type Address } from 'viem';

export const POLYGON_CHAIN_ID = 137;
/** Polygon Amoy testnet; the official client also accepts it (same V2 exchange addresses). */
export const AMOY_CHAIN_ID = 80002;

export interface ContractSet {
  chainId: number;
  /** CTF Exchange V2: verifyingContract for orders on ordinary markets. */
  exchangeV2: Address;
  /** Neg Risk CTF Exchange V2: verifyingContract for orders on neg-risk markets. */
  negRiskExchangeV2: Address;
  /** V1 exchanges: production rejects V1 orders since 2026-04-28, kept only to recognise them. */
  exchangeV1: Address;
  negRiskExchangeV1: Address;
  /** pUSD, the 6-decimal collateral that replaced USDC.e with CLOB V2. */
  collateral: Address;
  conditionalTokens: Address;
}

export const POLYGON_CONTRACTS: Readonly<ContractSet> = Object.freeze({
  chainId: POLYGON_CHAIN_ID,
  exchangeV2: '0xE111180000d2663C0091e4f400237545B87B996B',
  negRiskExchangeV2: '0xe2222d279d744050d28e00520010520000310F59',
  exchangeV1: '0x4bFb41d5B3570DeFd03C39a9A4D8dE6Bd8B8982E',
  negRiskExchangeV1: '0xC5d563A36AE78145C45a50134d48A1215220f80a',
  collateral: '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB',
  conditionalTokens: '0x4D97DCd97eC945f40cF65F87097ACe5EA0476045',
});

/** Both pUSD and outcome tokens have 6 decimals; order amounts are integers in these units. */
export const COLLATERAL_DECIMALS = 6;
export const CONDITIONAL_TOKEN_DECIMALS = 6;

/**
 * Returns the Polygon set with any field replaced. Addresses are normalised to checksum form so a
 * lower-case override from configuration compares equal to the constants above.
 */
export function contractSet(overrides: Partial<ContractSet> = {}): Readonly<ContractSet> {
  const merged = { ...POLYGON_CONTRACTS, ...overrides };
  if (!Number.isSafeInteger(merged.chainId) || merged.chainId <= 0) {
    throw new RangeError(`invalid chain id: ${String(merged.chainId)}`);
  }
  return Object.freeze({
    chainId: merged.chainId,
    exchangeV2: getAddress(merged.exchangeV2),
    negRiskExchangeV2: getAddress(merged.negRiskExchangeV2),
    exchangeV1: getAddress(merged.exchangeV1),
    negRiskExchangeV1: getAddress(merged.negRiskExchangeV1),
    collateral: getAddress(merged.collateral),
    conditionalTokens: getAddress(merged.conditionalTokens),
  });
}
