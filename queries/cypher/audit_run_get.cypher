// name: audit_run_get
// params: $run_id (the run's id)
// row: run — the :AuditRun's properties, its findings' lists included (no
//      row when no run has that id)
MATCH (run:AuditRun {run_id: $run_id})
RETURN properties(run) AS run
