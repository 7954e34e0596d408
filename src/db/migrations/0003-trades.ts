// trades: time-partitioned on entry_timestamp in 7-day chunks.
//
// With TimescaleDB (installed and preloaded) it is a hypertable with the seed's compression policy
// (30 days). Without it, native range partitioning: 7-day partitions aligned to the Unix epoch
// (the same boundaries TimescaleDB uses), created ahead of time by polycopy_ensure_trades_partitions(),
// plus a DEFAULT partition so an insert is never rejected, however old or far in the future its
// timestamp. When upkeep later creates the partition for a range that already has rows in the
// default partition, it moves them across (see polycopy_create_trades_partition).
//
// Deliberate differences from the seed: the primary key is (id, entry_timestamp), and copy_tx_hash is
// unique together with entry_timestamp, because PostgreSQL and TimescaleDB require every unique index
// on a partitioned table to contain the partition key. A trade's entry_timestamp never changes, so
// this still deduplicates.
import { sql, type Kysely } from 'kysely';

const WEEK_SECONDS = 7 * 24 * 3600;

export async function timescaleAvailable(db: Kysely<unknown>): Promise<boolean> {
  const r = await sql<{ available: boolean }>`
    SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
       AND current_setting('shared_preload_libraries') LIKE '%timescaledb%' AS available`.execute(db);
  return r.rows[0]?.available === true;
}

const TRADES_COLUMNS = `
  id                     bigserial NOT NULL,
  original_tx_hash       varchar(66),
  copy_tx_hash           varchar(66),
  trader_wallet_address  varchar(42) NOT NULL,
  copying_user_id        bigint REFERENCES users (id) ON DELETE SET NULL,
  copy_relationship_id   bigint REFERENCES copy_relationships (id) ON DELETE SET NULL,
  is_copy_trade          boolean NOT NULL DEFAULT false,
  trade_type             varchar(20) NOT NULL DEFAULT 'market',
  market_id              varchar(100) NOT NULL,
  market_name            varchar(500),
  market_question        text,
  position               varchar(10) NOT NULL,
  entry_price            numeric(20,10) NOT NULL,
  exit_price             numeric(20,10),
  quantity               numeric(20,6) NOT NULL,
  entry_value_usd        numeric(20,6) NOT NULL,
  exit_value_usd         numeric(20,6),
  fees_usd               numeric(20,6) NOT NULL DEFAULT 0,
  gas_fee_usd            numeric(12,6) NOT NULL DEFAULT 0,
  realized_pnl_usd       numeric(20,6),
  realized_pnl_percent   numeric(10,4),
  unrealized_pnl_usd     numeric(20,6),
  current_value_usd      numeric(20,6),
  status                 varchar(20) NOT NULL DEFAULT 'pending',
  failure_reason         text,
  slippage_percent       numeric(5,2),
  execution_time_ms      integer,
  created_at             timestamptz NOT NULL DEFAULT now(),
  entry_timestamp        timestamptz NOT NULL,
  exit_timestamp         timestamptz,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT trades_pkey PRIMARY KEY (id, entry_timestamp),
  CONSTRAINT trades_wallet_format CHECK (trader_wallet_address ~ '^0x[0-9a-fA-F]{40}$'),
  CONSTRAINT trades_position_valid CHECK (position IN ('YES', 'NO', 'LONG', 'SHORT')),
  CONSTRAINT trades_quantity_positive CHECK (quantity > 0),
  CONSTRAINT trades_prices_non_negative CHECK (entry_price >= 0 AND (exit_price IS NULL OR exit_price >= 0)),
  CONSTRAINT trades_values_non_negative CHECK (
    entry_value_usd >= 0 AND (exit_value_usd IS NULL OR exit_value_usd >= 0)
    AND (current_value_usd IS NULL OR current_value_usd >= 0)),
  CONSTRAINT trades_fees_non_negative CHECK (fees_usd >= 0 AND gas_fee_usd >= 0),
  CONSTRAINT trades_status_valid CHECK (status IN ('pending', 'open', 'closed', 'cancelled', 'failed')),
  CONSTRAINT trades_execution_time_non_negative CHECK (execution_time_ms IS NULL OR execution_time_ms >= 0)
`;

const TRADES_INDEXES = `
  CREATE INDEX idx_trades_trader_wallet ON trades (trader_wallet_address, entry_timestamp DESC);
  CREATE INDEX idx_trades_copying_user ON trades (copying_user_id, entry_timestamp DESC)
    WHERE copying_user_id IS NOT NULL;
  CREATE INDEX idx_trades_market ON trades (market_id);
  CREATE INDEX idx_trades_status ON trades (status);
  CREATE INDEX idx_trades_entry_timestamp ON trades (entry_timestamp DESC);
  CREATE UNIQUE INDEX uq_trades_copy_tx_hash ON trades (copy_tx_hash, entry_timestamp)
    WHERE copy_tx_hash IS NOT NULL;
  CREATE TRIGGER update_trades_updated_at BEFORE UPDATE ON trades
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
`;

// Partition upkeep for the native path. Written in SQL so any role (scheduler, CLI, a DBA in psql)
// calls the same code; an advisory lock serialises concurrent callers.
const PARTITION_FUNCTIONS = `
  CREATE FUNCTION polycopy_trades_chunk_start(ts timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_timestamp(floor(extract(epoch FROM ts) / ${WEEK_SECONDS}) * ${WEEK_SECONDS})
  $$;

  CREATE FUNCTION polycopy_create_trades_partition(chunk_start timestamptz) RETURNS text
  LANGUAGE plpgsql AS $$
  DECLARE
    s timestamptz := polycopy_trades_chunk_start(chunk_start);
    e timestamptz := s + interval '${WEEK_SECONDS} seconds';
    part text := 'trades_p' || to_char(s AT TIME ZONE 'UTC', 'YYYYMMDD');
    moved bigint;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('polycopy_trades_partitions'));
    IF to_regclass(format('public.%I', part)) IS NOT NULL THEN
      RETURN NULL;
    END IF;
    -- Build the partition detached, move any rows the default partition caught for this range,
    -- then attach: attaching (unlike CREATE ... PARTITION OF) tolerates those rows having existed.
    EXECUTE format('CREATE TABLE public.%I (LIKE public.trades INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    EXECUTE format(
      'WITH m AS (DELETE FROM public.trades_default WHERE entry_timestamp >= $1 AND entry_timestamp < $2 RETURNING *)
       INSERT INTO public.%I SELECT * FROM m', part) USING s, e;
    GET DIAGNOSTICS moved = ROW_COUNT;
    EXECUTE format('ALTER TABLE public.%I ADD CONSTRAINT %I CHECK (entry_timestamp >= %L AND entry_timestamp < %L)',
                   part, part || '_range', s, e);
    EXECUTE format('ALTER TABLE public.trades ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', part, s, e);
    -- The CHECK only made ATTACH skip its validation scan; the partition bound now enforces it.
    EXECUTE format('ALTER TABLE public.%I DROP CONSTRAINT %I', part, part || '_range');
    IF moved > 0 THEN
      RAISE NOTICE 'polycopy: moved % row(s) from trades_default into %', moved, part;
    END IF;
    RETURN part;
  END;
  $$;

  -- Ensures partitions exist from weeks_behind chunks before now to weeks_ahead chunks after now,
  -- and for every chunk that has rows sitting in the default partition. Returns how many it created.
  CREATE FUNCTION polycopy_ensure_trades_partitions(weeks_ahead integer DEFAULT 8, weeks_behind integer DEFAULT 1)
  RETURNS integer LANGUAGE plpgsql AS $$
  DECLARE
    created integer := 0;
    i integer;
    c timestamptz;
  BEGIN
    IF polycopy_trades_is_hypertable() THEN
      RETURN 0;  -- TimescaleDB creates chunks on insert.
    END IF;
    FOR i IN -weeks_behind..weeks_ahead LOOP
      IF polycopy_create_trades_partition(now() + make_interval(days => 7 * i)) IS NOT NULL THEN
        created := created + 1;
      END IF;
    END LOOP;
    FOR c IN SELECT DISTINCT polycopy_trades_chunk_start(entry_timestamp) FROM public.trades_default LOOP
      IF polycopy_create_trades_partition(c) IS NOT NULL THEN
        created := created + 1;
      END IF;
    END LOOP;
    RETURN created;
  END;
  $$;

  -- Retention: drops whole chunks that end at or before the cutoff (detach first, so readers of other
  -- partitions are never blocked behind the drop), and old rows the default partition holds.
  -- Returns the number of partitions dropped.
  CREATE FUNCTION polycopy_drop_trades_before(cutoff timestamptz) RETURNS integer
  LANGUAGE plpgsql AS $$
  DECLARE
    r record;
    dropped integer := 0;
  BEGIN
    IF polycopy_trades_is_hypertable() THEN
      EXECUTE 'SELECT count(*) FROM drop_chunks(''trades'', older_than => $1)' INTO dropped USING cutoff;
      RETURN dropped;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('polycopy_trades_partitions'));
    FOR r IN
      SELECT c.relname AS part,
             (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS upper_bound
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'public.trades'::regclass AND c.relname <> 'trades_default'
    LOOP
      IF r.upper_bound <= cutoff THEN
        EXECUTE format('ALTER TABLE public.trades DETACH PARTITION public.%I', r.part);
        EXECUTE format('DROP TABLE public.%I', r.part);
        dropped := dropped + 1;
      END IF;
    END LOOP;
    DELETE FROM public.trades_default WHERE entry_timestamp < cutoff;
    RETURN dropped;
  END;
  $$;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  const timescale = await timescaleAvailable(db);
  if (timescale) {
    await sql.raw(`CREATE EXTENSION IF NOT EXISTS timescaledb`).execute(db);
    await sql.raw(`CREATE TABLE trades (${TRADES_COLUMNS})`).execute(db);
    await sql
      .raw(
        `SELECT create_hypertable('trades', 'entry_timestamp', chunk_time_interval => interval '7 days');
         ALTER TABLE trades SET (timescaledb.compress, timescaledb.compress_segmentby = 'trader_wallet_address',
                                 timescaledb.compress_orderby = 'entry_timestamp DESC, id');
         SELECT add_compression_policy('trades', INTERVAL '30 days');`,
      )
      .execute(db);
  } else {
    await sql.raw(`CREATE TABLE trades (${TRADES_COLUMNS}) PARTITION BY RANGE (entry_timestamp)`).execute(db);
    await sql.raw(`CREATE TABLE trades_default PARTITION OF trades DEFAULT`).execute(db);
  }
  await sql.raw(TRADES_INDEXES).execute(db);
  await sql
    .raw(
      `CREATE FUNCTION polycopy_trades_is_hypertable() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
       DECLARE found boolean;
       BEGIN
         IF to_regclass('timescaledb_information.hypertables') IS NULL THEN
           RETURN false;
         END IF;
         -- Dynamic, so the function can be created (and called) where TimescaleDB does not exist.
         EXECUTE 'SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                                 WHERE hypertable_schema = ''public'' AND hypertable_name = ''trades'')'
           INTO found;
         RETURN found;
       END; $$;`,
    )
    .execute(db);
  await sql.raw(PARTITION_FUNCTIONS).execute(db);
  if (!timescale) await sql`SELECT polycopy_ensure_trades_partitions(8, 1)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `DROP FUNCTION IF EXISTS polycopy_drop_trades_before(timestamptz);
       DROP FUNCTION IF EXISTS polycopy_ensure_trades_partitions(integer, integer);
       DROP FUNCTION IF EXISTS polycopy_create_trades_partition(timestamptz);
       DROP FUNCTION IF EXISTS polycopy_trades_chunk_start(timestamptz);
       DROP FUNCTION IF EXISTS polycopy_trades_is_hypertable();
       DROP TABLE IF EXISTS trades CASCADE;`,
    )
    .execute(db);
  if (await timescaleAvailable(db)) await sql.raw(`DROP EXTENSION IF EXISTS timescaledb`).execute(db);
}
