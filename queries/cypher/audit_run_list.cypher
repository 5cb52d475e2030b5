// name: audit_run_list
// params: none
// row: run — one :AuditRun's properties without its findings, oldest first
MATCH (run:AuditRun)
RETURN run {.run_id, .saved_at, .as_of, .sla_days, .min_places, .community_id,
            .street_id, .rules, .total} AS run
ORDER BY run.saved_at, run.run_id
