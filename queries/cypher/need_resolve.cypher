// name: need_resolve
// zh: 办结需求 · en: Resolve a need, with the resident's satisfaction
// params: $need_id (the need), $resolved_on (the day), $satisfaction (1–5)
// row: id — the need, now resolved (its assignment is kept: who resolved it);
//      no row when no :Need has that id
MATCH (need:Need {id: $need_id})
SET need.status = 'resolved', need.resolved_on = $resolved_on,
    need.satisfaction = $satisfaction
RETURN need.id AS id
