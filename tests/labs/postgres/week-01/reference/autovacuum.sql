-- The hot table is vacuumed once 1% of its rows (plus 500) are dead, not the default 20%.
ALTER TABLE hot_counters SET (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_threshold = 500,
  autovacuum_analyze_scale_factor = 0.02
);
