// name: audit_run_save
// params: $run (map: run_id, saved_at, as_of, sla_days, min_places,
//      community_id, street_id, rules, total, and the findings as parallel
//      lists f_rule, f_node, f_key, f_name, f_kind, f_community, f_street,
//      f_detail, "" standing for an absent value)
// row: run_id — the :AuditRun node created
CREATE (run:AuditRun)
SET run = $run
RETURN run.run_id AS run_id
