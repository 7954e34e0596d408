// The seed's monitoring queries (shared/seed/database-schema.md, "Monitoring Queries"), as the
// admin endpoints run them.
//
// The seed's "Index Usage" query reads pg_stat_user_indexes.tablename and .indexname, which do not
// exist (the view's columns are relname and indexrelname), so as written it fails with
// `column "tablename" does not exist`. INDEX_USAGE below is the seed's query with the columns
// aliased to the names the seed intended; the test suite shows both facts.

export const TABLE_SIZES = `
SELECT
    schemaname,
    tablename,
    pg_size_pretty(pg_total_relation_size(schemaname||'.'||tablename)) AS size
FROM pg_tables
WHERE schemaname = 'public'
ORDER BY pg_total_relation_size(schemaname||'.'||tablename) DESC`;

export const INDEX_USAGE = `
SELECT
    schemaname,
    relname AS tablename,
    indexrelname AS indexname,
    idx_scan as index_scans,
    pg_size_pretty(pg_relation_size(indexrelid)) AS size
FROM pg_stat_user_indexes
WHERE schemaname = 'public'
ORDER BY idx_scan ASC`;

/** Needs the pg_stat_statements extension, preloaded via shared_preload_libraries. */
export const SLOWEST_QUERIES = `
SELECT
    query,
    calls,
    mean_exec_time,
    total_exec_time
FROM pg_stat_statements
ORDER BY mean_exec_time DESC
LIMIT 10`;
