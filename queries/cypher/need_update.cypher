// name: need_update
// zh: 修改需求 · en: Change a need's title, urgency, category or status
// params: $need_id (the need), $title, $urgency, $status, $category_id (the
//      new values; null leaves a value as it is), $drop_assignment (true:
//      remove its ASSIGNED_TO), $clear_resolution (true: remove resolved_on
//      and satisfaction), $resolved_on (set when the need has none and the
//      new status is resolved)
// row: id — the need changed; no row when no :Need has that id
MATCH (need:Need {id: $need_id})
OPTIONAL MATCH (category:Category {id: $category_id})
OPTIONAL MATCH (need)-[previous_category:IN_CATEGORY]->(previous)
  WHERE category IS NOT NULL AND previous <> category
DELETE previous_category
WITH DISTINCT need, category
OPTIONAL MATCH (need)-[assignment:ASSIGNED_TO]->()
  WHERE $drop_assignment
DELETE assignment
WITH DISTINCT need, category
FOREACH (_ IN CASE WHEN category IS NULL THEN [] ELSE [1] END |
  MERGE (need)-[:IN_CATEGORY]->(category)
)
SET need.title = coalesce($title, need.title),
    need.name = coalesce($title, need.name),
    need.urgency = coalesce($urgency, need.urgency),
    need.status = coalesce($status, need.status),
    need.resolved_on = CASE
      WHEN $clear_resolution THEN null
      WHEN $status = 'resolved' THEN coalesce(need.resolved_on, $resolved_on)
      ELSE need.resolved_on END,
    need.satisfaction = CASE WHEN $clear_resolution THEN null ELSE need.satisfaction END
RETURN need.id AS id
