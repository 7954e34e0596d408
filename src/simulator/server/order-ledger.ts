// Every order the simulated CLOB received, per API key, in arrival order — including rejected
// ones and duplicates — so a test can prove an order was sent once (`GET /sim/ledger?apiKey=`).

export interface LedgerEntry {
  /** Arrival sequence number across all keys. */
  seq: number;
  apiKey: string;
  /** Wall-clock ms of arrival, and the simulated time then. */
  receivedAt: number;
  simTime: number;
  endpoint: 'POST /order' | 'POST /orders';
  /** 1 = legacy V1 body, 2 = CLOB V2. */
  version: 1 | 2;
  /** EIP-712 order hash (production orderID); '' when it could not be computed. */
  orderHash: string;
  /** The salt as a decimal string (it travels as a JSON number). */
  salt: string;
  maker: string;
  signer: string;
  signatureType: number;
  tokenId: string;
  side: string;
  orderType: string;
  makerAmount: string;
  takerAmount: string;
  accepted: boolean;
  /** live | matched when accepted. */
  status: string;
  /** The error the client was (or would have been) sent. */
  errorMsg: string;
  /** The order was processed but its HTTP response was dropped by fault injection. */
  responseDropped: boolean;
}

export class OrderLedger {
  private seq = 0;
  private readonly byKey = new Map<string, LedgerEntry[]>();

  record(entry: Omit<LedgerEntry, 'seq'>): LedgerEntry {
    const e: LedgerEntry = { seq: ++this.seq, ...entry };
    let list = this.byKey.get(e.apiKey);
    if (list === undefined) {
      list = [];
      this.byKey.set(e.apiKey, list);
    }
    list.push(e);
    return e;
  }

  entries(apiKey?: string): LedgerEntry[] {
    if (apiKey !== undefined) return [...(this.byKey.get(apiKey) ?? [])];
    return [...this.byKey.values()].flat().sort((a, b) => a.seq - b.seq);
  }

  get size(): number {
    return this.seq;
  }
}
